import { createServer, type AddressInfo, type Server, type Socket } from 'node:net';
import { Agent, request } from 'undici';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { FoundryError } from '../errors';
import { clusterCallFailure } from './targets';

// Real failures from real sockets on 127.0.0.1: a port nothing listens on, and a server that accepts and never answers.
let silent: Server;
const accepted = new Set<Socket>();
let silentUrl: string;
let closedUrl: string;
const agent = new Agent({ headersTimeout: 150 });

beforeAll(async () => {
  silent = createServer((socket) => {
    accepted.add(socket);
    socket.on('error', () => undefined);
  });
  await new Promise<void>((r) => silent.listen(0, '127.0.0.1', r));
  silentUrl = `http://127.0.0.1:${(silent.address() as AddressInfo).port}`;
  const probe = createServer();
  await new Promise<void>((r) => probe.listen(0, '127.0.0.1', r));
  closedUrl = `http://127.0.0.1:${(probe.address() as AddressInfo).port}`;
  await new Promise((r) => probe.close(r));
});

afterAll(async () => {
  await agent.destroy();
  for (const socket of accepted) socket.destroy();
  await new Promise((r) => silent.close(r));
});

const failureOf = (url: string, signal?: AbortSignal) => request(url, { dispatcher: agent, signal }).then(() => expect.fail('the call should fail'), (e: unknown) => e);

describe('a cluster gateway call that gets no answer', () => {
  it("is the API server's failure when the socket fails, said the way other cluster calls say it", async () => {
    const err = clusterCallFailure(await failureOf(closedUrl), 'edge', closedUrl);
    expect(err).toBeInstanceOf(FoundryError);
    expect(err.code).toBe('CLUSTER_UNREACHABLE');
    expect(err.message).toBe(`Cannot reach the API server of edge at ${closedUrl} (connection refused).`);
  });

  it('names the gateway and the API server when a connected call waits too long', async () => {
    for (const cause of [await failureOf(silentUrl), await failureOf(silentUrl, AbortSignal.timeout(100))]) {
      const err = clusterCallFailure(cause, 'edge', silentUrl);
      expect(err.code).toBe('FAILED_PRECONDITION');
      expect(err.message).toBe(`The gateway in edge did not answer in time (the call goes through the API server at ${silentUrl}).`);
      expect(err.message).not.toContain('gateway at the gateway');
    }
  });
});
