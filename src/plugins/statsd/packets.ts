/**
 * statsd_logger.lua's udp_packet_size: lines are combined, `\n`-separated, into datagrams of at most that many
 * bytes (0: one datagram per line). A line longer than the limit on its own is still sent (Kong warns that it
 * may be truncated), alone or leading the next datagram, exactly where Kong's buffer would put it.
 */
export function packets(lines: readonly string[], packetSize: number, warn: (msg: string) => void): string[] {
  if (packetSize <= 0) return [...lines];
  const out: string[] = [];
  let buffer: string[] = [];
  let size = 0;
  for (const line of lines) {
    const length = Buffer.byteLength(line);
    const next = size + length;
    if (next > packetSize) {
      if (size === 0) {
        warn(`[statsd] configured udp_packet_size is smaller than single message of length ${length}, UDP packet may be truncated`);
        buffer = [line];
        size = length;
        continue;
      }
      out.push(buffer.join('\n'));
      buffer = [line];
      size = length;
    } else {
      buffer.push(line);
      size = next + 1;
    }
  }
  if (buffer.length > 0) out.push(buffer.join('\n'));
  return out;
}
