/**
 * Writes that are complete before the process exits. `process.stderr.write`
 * on a pipe is asynchronous: with a slow reader, `process.exit` right after
 * it cuts the output off (2,000 problem lines arrived as 1,106). These write
 * synchronously and wait while the pipe is full.
 */
import { writeSync } from 'node:fs';

const pause = new Int32Array(new SharedArrayBuffer(4));

/** Writes all of `text` to file descriptor `fd` (1 stdout, 2 stderr) before returning. */
export function writeAllSync(fd: 1 | 2, text: string): void {
  const bytes = Buffer.from(text);
  let offset = 0;
  while (offset < bytes.length) {
    try {
      offset += writeSync(fd, bytes, offset);
    } catch (error) {
      // A full non-blocking pipe: wait 10 ms for the reader; any other error (a closed pipe) ends the write.
      if ((error as NodeJS.ErrnoException).code !== 'EAGAIN') return;
      Atomics.wait(pause, 0, 0, 10);
    }
  }
}
