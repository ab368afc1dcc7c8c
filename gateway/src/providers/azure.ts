/**
 * Azure OpenAI: the deployment is in the path, the api-version in the query and the key in the
 * `api-key` header; bodies are OpenAI's, so translation is the same pass-through as OpenAI.
 */
import { OpenAICompatibleProvider } from './openai-compatible';
import type { Operation, PrepareInput, Provider, StreamTranslator, UpstreamCall, Usage } from './types';

const PATHS: Record<Operation, string> = { chat: '/chat/completions', completions: '/completions', embeddings: '/embeddings', images: '/images/generations' };

export class AzureOpenAIProvider implements Provider {
  readonly kind = 'azure' as const;
  readonly origin: string;
  private readonly inner: OpenAICompatibleProvider;
  private readonly prefix: string;
  private readonly headers: Record<string, string>;

  constructor(readonly name: string, baseUrl: string, private readonly apiVersion: string, apiKey: string | undefined) {
    const u = new URL(baseUrl);
    this.origin = u.origin;
    this.prefix = u.pathname.replace(/\/$/, '');
    this.inner = new OpenAICompatibleProvider({ name, baseUrl, apiKey: undefined });
    this.headers = { 'content-type': 'application/json' };
    if (apiKey) this.headers['api-key'] = apiKey;
  }

  supports(): boolean {
    return true;
  }

  prepare(i: PrepareInput): UpstreamCall {
    const call = this.inner.prepare({ ...i, rewriteModel: false });
    const deployment = encodeURIComponent(i.upstreamModel);
    return {
      path: `${this.prefix}/openai/deployments/${deployment}${PATHS[i.op]}?api-version=${encodeURIComponent(this.apiVersion)}`,
      headers: { ...this.headers },
      body: call.body,
    };
  }

  response(op: Operation, body: Buffer): { body: Buffer; usage: Usage | null } {
    return this.inner.response(op, body);
  }

  stream(op: Operation, clientWantsUsage: boolean): StreamTranslator {
    return this.inner.stream(op, clientWantsUsage);
  }

  errorMessage(body: string): string {
    return this.inner.errorMessage(body);
  }
}
