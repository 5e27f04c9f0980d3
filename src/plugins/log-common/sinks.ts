/**
 * What a gateway's log plugins write to, held for the gateway's whole life (so files and connections survive
 * reloads) and closed at its stop: log files by path, kept-alive TCP connections and UDP sockets by
 * destination, the syslog writer by socket. Nothing opens until the first entry. Plugins ask for their sink
 * per entry (one map lookup), so a sink swept away after a reload stopped using it is simply made again.
 */
import type { Logger } from '../../log/logger.js';
import { FileSink } from './file-sink.js';
import { DEFAULT_SYSLOG_SOCKET, SyslogSink } from './syslog-sink.js';
import { type TcpDestination, tcpKey, TcpSink } from './tcp-sink.js';
import { UdpSink, udpKey } from './udp-sink.js';

export interface LogSinksOptions {
  /** The local syslog daemon's socket (glibc's /dev/log); tests point it at a socket of their own. */
  readonly syslogSocket?: string;
}

/** A sink unused this long, with nothing left to send, is closed when a load asks for another one. */
const IDLE_SWEEP_MS = 10 * 60 * 1000;

type Sink = (FileSink | TcpSink | UdpSink | SyslogSink) & { lastUsed: number; readonly idle: boolean };

export class LogSinks {
  readonly #log: Logger;
  readonly #syslogSocket: string;
  readonly #files = new Map<string, FileSink>();
  readonly #tcp = new Map<string, TcpSink>();
  readonly #udp = new Map<string, UdpSink>();
  #syslog: SyslogSink | null = null;
  // Counts of sinks swept away, so the totals never go down.
  #retiredDrops = 0;
  #closing: Promise<void> | null = null;

  constructor(log: Logger, opts: LogSinksOptions = {}) {
    this.#log = log;
    this.#syslogSocket = opts.syslogSocket ?? DEFAULT_SYSLOG_SOCKET;
  }

  file(path: string): FileSink {
    return this.#get(this.#files, path, () => new FileSink(path, this.#log));
  }

  tcp(dest: TcpDestination): TcpSink {
    return this.#get(this.#tcp, tcpKey(dest), () => new TcpSink(dest, this.#log));
  }

  udp(owner: string, host: string, port: number): UdpSink {
    return this.#get(this.#udp, udpKey(owner, host, port), () => new UdpSink(owner, host, port, this.#log));
  }

  syslog(): SyslogSink {
    return (this.#syslog ??= new SyslogSink(this.#syslogSocket, this.#log));
  }

  /** SIGUSR1: every log file is opened anew at its next write (logrotate's postrotate, as for nginx's logs). */
  reopen(): void {
    for (const f of this.#files.values()) f.reopen();
    this.#log.info('log files will be reopened', { files: this.#files.size });
  }

  /** Entries every sink has dropped so far (the sum never goes down). */
  dropped(): number {
    let n = this.#retiredDrops + (this.#syslog?.dropped ?? 0);
    for (const m of [this.#files, this.#tcp, this.#udp]) for (const s of m.values()) n += s.dropped;
    return n;
  }

  /** Gateway stop: files get what is queued and close, connections send what they hold, within `deadlineMs`. */
  close(deadlineMs: number): Promise<void> {
    this.#closing ??= (async () => {
      await Promise.all([
        ...[...this.#files.values()].map((f) => f.close(deadlineMs)),
        ...[...this.#tcp.values()].map((t) => t.close(deadlineMs)),
        this.#syslog?.close(deadlineMs),
      ]);
      for (const u of this.#udp.values()) u.close();
    })();
    return this.#closing;
  }

  #get<S extends Sink>(map: Map<string, S>, key: string, make: () => S): S {
    let sink = map.get(key);
    if (sink === undefined) {
      this.#sweep(map);
      sink = make();
      map.set(key, sink);
    }
    return sink;
  }

  // Destinations a reload stopped using would otherwise keep their file or socket until the gateway stops.
  #sweep<S extends Sink>(map: Map<string, S>): void {
    const now = Date.now();
    for (const [key, sink] of map) {
      if (now - sink.lastUsed < IDLE_SWEEP_MS || !sink.idle) continue;
      map.delete(key);
      this.#retiredDrops += sink.dropped;
      void sink.close(0);
    }
  }
}
