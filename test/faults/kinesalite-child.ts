/**
 * Kinesalite in its own process for the fault tests, so that it can be
 * stopped hard (SIGKILL) and restarted on the same folder and port.
 * Prints `ready <endpoint>` once the event stream exists.
 *
 * @example
 * node --import tsx test/faults/kinesalite-child.ts <dir> <port>
 */
import { createKinesisClient, EMBEDDED_STREAM_NAME, ensureStream, startEmbeddedKinesis } from '../../streams/embedded-kinesis.ts';

const [dir = '', port = '0'] = process.argv.slice(2);
const k = await startEmbeddedKinesis({ dir, port: Number(port) });
const client = createKinesisClient({ endpoint: k.endpoint });
await ensureStream(client, EMBEDDED_STREAM_NAME);
client.destroy();
process.stdout.write(`ready ${k.endpoint}\n`);
