/**
 * Reads an OpenAI chat-completions SSE stream as it arrives. Untrusted input: lines that are not
 * JSON, or JSON of another shape, are skipped rather than failing the answer.
 */

export interface StreamPiece {
  /** Content text in this piece (may be empty). */
  content: string;
  /** Chunks in this piece that carried content. */
  contentChunks: number;
  usage: { promptTokens: number | null; completionTokens: number | null } | null;
  finishReason: string | null;
  /** An error the server sent in-band after the stream began. */
  error: string | null;
  done: boolean;
  /** The gateway's closing guardrail report (an SSE comment, `: x-foundry-guardrail …`), if it sent one. */
  guardrail: string | null;
}

interface ChunkShape {
  choices?: { delta?: { content?: unknown }; finish_reason?: unknown }[];
  usage?: { prompt_tokens?: unknown; completion_tokens?: unknown } | null;
  error?: { message?: unknown } | string;
}

const GUARDRAIL_COMMENT = ': x-foundry-guardrail ';

const num = (v: unknown) => (typeof v === 'number' && Number.isFinite(v) ? v : null);

export function createSseReader() {
  let buffer = '';
  return {
    /** Feeds bytes decoded as text; returns what the complete events in them said. */
    push(text: string): StreamPiece {
      buffer += text;
      const piece: StreamPiece = { content: '', contentChunks: 0, usage: null, finishReason: null, error: null, done: false, guardrail: null };
      let end: number;
      while ((end = buffer.search(/\r?\n\r?\n/)) >= 0) {
        const block = buffer.slice(0, end);
        buffer = buffer.slice(end + (buffer[end] === '\r' ? 4 : 2));
        const lines = block.split(/\r?\n/);
        for (const l of lines) if (l.startsWith(GUARDRAIL_COMMENT)) piece.guardrail = l.slice(GUARDRAIL_COMMENT.length);
        const data = lines
          .filter((l) => l.startsWith('data:'))
          .map((l) => l.slice(5).replace(/^ /, ''))
          .join('\n');
        if (data === '') continue;
        if (data === '[DONE]') {
          piece.done = true;
          continue;
        }
        let chunk: ChunkShape;
        try {
          chunk = JSON.parse(data) as ChunkShape;
        } catch {
          continue;
        }
        if (chunk.error) {
          const message = typeof chunk.error === 'string' ? chunk.error : chunk.error.message;
          piece.error = typeof message === 'string' ? message : 'the server reported an error';
        }
        const choice = Array.isArray(chunk.choices) ? chunk.choices[0] : undefined;
        const content = choice?.delta?.content;
        if (typeof content === 'string' && content !== '') {
          piece.content += content;
          piece.contentChunks += 1;
        }
        if (typeof choice?.finish_reason === 'string') piece.finishReason = choice.finish_reason;
        if (chunk.usage && typeof chunk.usage === 'object') {
          piece.usage = { promptTokens: num(chunk.usage.prompt_tokens), completionTokens: num(chunk.usage.completion_tokens) };
        }
      }
      return piece;
    },
  };
}
