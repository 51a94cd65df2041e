/**
 * An HTTP proxy in front of kinesalite for the fault tests: it can go
 * down (its port refuses connections, as a stopped Kinesis does) and come
 * back on the same port, and it can throttle: answer part of each
 * PutRecords batch with ProvisionedThroughputExceededException, forwarding
 * only the other records (a throttled record is not written, as on AWS).
 *
 * @example
 * const proxy = await KinesisProxy.start(kinesaliteEndpoint);
 * proxy.throttleEvery = 3; // records 0, 3, 6, ... of each call fail
 * await proxy.down(); ...; await proxy.up();
 */
import { createServer, request, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { Socket } from 'node:net';

interface PutRecordsBody {
  StreamName?: string;
  Records: unknown[];
}
interface PutRecordsAnswer {
  FailedRecordCount?: number;
  Records: Array<Record<string, unknown>>;
}

function readAll(req: IncomingMessage): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    req.on('data', (d: Buffer) => chunks.push(d));
    req.once('end', () => resolve(Buffer.concat(chunks)));
    req.once('error', reject);
  });
}

export class KinesisProxy {
  /** 0: no throttling; n: records at indexes divisible by n fail in every PutRecords call. */
  throttleEvery = 0;
  /** Records answered as throttled so far. */
  throttled = 0;
  private server: Server;
  private readonly sockets = new Set<Socket>();

  private constructor(private readonly target: URL, readonly port: number) {
    this.server = this.makeServer();
  }

  static async start(targetEndpoint: string, port = 0): Promise<KinesisProxy> {
    const proxy = new KinesisProxy(new URL(targetEndpoint), port);
    await proxy.listen(port);
    return proxy;
  }

  get endpoint(): string {
    return `http://127.0.0.1:${this.port}`;
  }

  /** Stops answering: the port refuses connections and open ones are cut. */
  down(): Promise<void> {
    return new Promise((resolve) => {
      this.server.close(() => resolve());
      for (const s of this.sockets) s.destroy();
    });
  }

  /** Answers again on the same port. */
  async up(): Promise<void> {
    this.server = this.makeServer();
    await this.listen(this.port);
  }

  private listen(port: number): Promise<void> {
    return new Promise((resolve, reject) => {
      this.server.once('error', reject);
      this.server.listen(port, '127.0.0.1', () => {
        (this as { port: number }).port = (this.server.address() as { port: number }).port;
        resolve();
      });
    });
  }

  private makeServer(): Server {
    const server = createServer((req, res) => void this.handle(req, res).catch(() => res.destroy()));
    server.on('connection', (s) => {
      this.sockets.add(s);
      s.once('close', () => this.sockets.delete(s));
    });
    return server;
  }

  private forward(req: IncomingMessage, body: Buffer): Promise<{ status: number; headers: IncomingMessage['headers']; body: Buffer }> {
    return new Promise((resolve, reject) => {
      const headers = { ...req.headers, host: this.target.host, 'content-length': String(body.length) };
      const out = request({ host: this.target.hostname, port: this.target.port, method: req.method, path: req.url, headers }, (res) => {
        void readAll(res).then((b) => resolve({ status: res.statusCode ?? 502, headers: res.headers, body: b }), reject);
      });
      out.once('error', reject);
      out.end(body);
    });
  }

  private async handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const body = await readAll(req);
    const isPut = String(req.headers['x-amz-target'] ?? '').endsWith('.PutRecords');
    if (!isPut || this.throttleEvery === 0) {
      const r = await this.forward(req, body);
      res.writeHead(r.status, { 'content-type': r.headers['content-type'] ?? 'application/x-amz-json-1.1' }).end(r.body);
      return;
    }
    const input = JSON.parse(body.toString()) as PutRecordsBody;
    const throttledAt = new Set(input.Records.map((_, i) => i).filter((i) => i % this.throttleEvery === 0));
    const kept = input.Records.filter((_, i) => !throttledAt.has(i));
    let answers: PutRecordsAnswer = { FailedRecordCount: 0, Records: [] };
    if (kept.length > 0) {
      const r = await this.forward(req, Buffer.from(JSON.stringify({ ...input, Records: kept })));
      if (r.status !== 200) {
        res.writeHead(r.status, { 'content-type': r.headers['content-type'] ?? 'application/x-amz-json-1.1' }).end(r.body);
        return;
      }
      answers = JSON.parse(r.body.toString()) as PutRecordsAnswer;
    }
    const merged: PutRecordsAnswer['Records'] = [];
    let next = 0;
    for (let i = 0; i < input.Records.length; i++) {
      if (throttledAt.has(i)) {
        merged.push({ ErrorCode: 'ProvisionedThroughputExceededException', ErrorMessage: `Rate exceeded for shard shardId-000000000000 in stream ${input.StreamName ?? ''} under account 000000000000.` });
      } else merged.push(answers.Records[next++]!);
    }
    this.throttled += throttledAt.size;
    const failed = (answers.FailedRecordCount ?? 0) + throttledAt.size;
    res.writeHead(200, { 'content-type': 'application/x-amz-json-1.1' }).end(JSON.stringify({ FailedRecordCount: failed, Records: merged }));
  }
}
