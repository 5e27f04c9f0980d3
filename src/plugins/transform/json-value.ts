export type JsonType = 'string' | 'number' | 'boolean';
export type JsonValue = null | boolean | number | string | JsonValue[] | { [key: string]: JsonValue };

/**
 * The value a `name:value` entry puts into a JSON body. Kong JSON-escapes the string, then undoes only the
 * escaped quotes, so other escapes (a backslash, a newline) stay doubled in the output; we keep that.
 * `json_types` then casts: number (undefined when it does not read as one, and the entry is skipped),
 * boolean (only "true" is true), string (as is).
 */
export function configJsonValue(raw: string, type: JsonType | undefined): string | number | boolean | undefined {
  const text = JSON.stringify(raw).slice(1, -1).replaceAll('\\"', '"');
  if (type === 'number') return toNumber(text);
  if (type === 'boolean') return text === 'true';
  return text;
}

// Lua's tonumber: decimal with optional exponent or hexadecimal, surrounding spaces allowed.
const DECIMAL = /^\s*[-+]?(?:\d+\.?\d*|\.\d+)(?:[eE][-+]?\d+)?\s*$/;
const HEX = /^\s*([-+]?)0[xX]([0-9a-fA-F]+)\s*$/;

function toNumber(text: string): number | undefined {
  if (DECIMAL.test(text)) return Number(text);
  const hex = HEX.exec(text);
  if (hex) return (hex[1] === '-' ? -1 : 1) * parseInt(hex[2]!, 16);
  return undefined;
}
