/**
 * Trace and span ids as lowercase hex, and Kong's conversions between sizes and bases
 * (kong/observability/tracing/propagation/utils.lua). Kong holds ids as bytes; two hex digits are one byte here.
 */

export const TRACE_ID_BYTES = 16;
export const SPAN_ID_BYTES = 8;

const HEX = /^[0-9a-fA-F]+$/;

export const isHex = (s: string): boolean => HEX.test(s);

/** Kong's from_hex: an odd number of digits gets a leading 0. */
export function fromHex(s: string): string {
  const lower = s.toLowerCase();
  return lower.length % 2 === 0 ? lower : `0${lower}`;
}

/** The id's size in bytes. */
export const byteSize = (hex: string): number => hex.length / 2;

/** Kong's to_id_size: longer ids keep their last bytes, shorter ones are padded with zero bytes in front. */
export function toIdSize(hex: string, bytes: number): string {
  const want = bytes * 2;
  if (hex.length > want) return hex.slice(-want);
  if (hex.length < want) return '0'.repeat(want - hex.length) + hex;
  return hex;
}

/** A decimal id (Datadog, GCP span ids) as the big-endian bytes Kong's bn.to_binary gives: no leading zero bytes. */
export function fromDecimal(dec: string): string {
  return fromHex(BigInt(dec).toString(16));
}

/** An id's bytes as the unsigned decimal Kong's bn.from_binary(...):to_dec() gives. */
export function toDecimal(hex: string): string {
  return BigInt(`0x${hex}`).toString(10);
}

/** True when every digit is 0 (an invalid id in W3C and Jaeger). */
export const isZero = (hex: string): boolean => /^0+$/.test(hex);
