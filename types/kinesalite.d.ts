declare module 'kinesalite' {
  import type { Server } from 'node:http';
  interface KinesaliteOptions {
    /** LevelDB folder; in-memory when absent. */
    path?: string;
    createStreamMs?: number;
    deleteStreamMs?: number;
    updateStreamMs?: number;
    shardLimit?: number;
    ssl?: boolean;
  }
  function kinesalite(options?: KinesaliteOptions): Server;
  export default kinesalite;
}
