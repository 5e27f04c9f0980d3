/**
 * Collectors on 127.0.0.1 for the tracing plugin tests: an OTLP/HTTP receiver that decodes each protobuf
 * export with protobufjs (test/plugins/tracing/otlp-trace.proto), and a Zipkin receiver keeping the JSON v2
 * span lists it gets. `reply` decides each answer (200 by default).
 */
import { readFileSync } from 'node:fs';
import type { IncomingHttpHeaders, ServerResponse } from 'node:http';
import protobuf from 'protobufjs';
import { type Teardown, upstream } from '../../helpers/gateway.js';

const REQUEST = protobuf
  .parse(readFileSync(new URL('./otlp-trace.proto', import.meta.url), 'utf8'), { keepCase: true })
  .root.lookupType('otlp.ExportTraceServiceRequest');

export type AttributeValue = string | number | boolean | AttributeValue[];

/** A span as a collector sees it: ids hex, attributes by key, the resource and scope it came under. */
export interface ReceivedSpan {
  readonly traceId: string;
  readonly spanId: string;
  readonly parentSpanId: string;
  readonly name: string;
  readonly kind: number;
  readonly start: bigint;
  readonly end: bigint;
  readonly attributes: Record<string, AttributeValue>;
  readonly status: number;
  readonly resource: Record<string, AttributeValue>;
  readonly scope: { name: string; version: string };
}

interface Decoded {
  resource_spans?: {
    resource?: { attributes?: KeyValue[] };
    scope_spans?: { scope?: { name?: string; version?: string }; spans?: RawSpan[] }[];
  }[];
}
interface KeyValue {
  key: string;
  value?: AnyValue;
}
interface AnyValue {
  string_value?: string;
  bool_value?: boolean;
  int_value?: string;
  double_value?: number;
  array_value?: { values?: AnyValue[] };
}
interface RawSpan {
  trace_id: Buffer;
  span_id: Buffer;
  parent_span_id?: Buffer;
  name: string;
  kind?: number;
  start_time_unix_nano: string;
  end_time_unix_nano: string;
  attributes?: KeyValue[];
  status?: { code?: number };
}

function valueOf(v: AnyValue | undefined): AttributeValue {
  if (v === undefined) return '';
  if (v.string_value !== undefined) return v.string_value;
  if (v.bool_value !== undefined) return v.bool_value;
  if (v.int_value !== undefined) return Number(v.int_value);
  if (v.double_value !== undefined) return v.double_value;
  return (v.array_value?.values ?? []).map(valueOf);
}

const attributes = (kvs: KeyValue[] | undefined) => Object.fromEntries((kvs ?? []).map((kv) => [kv.key, valueOf(kv.value)]));

/** Decodes one ExportTraceServiceRequest body into its spans. */
export function decodeExport(body: Buffer): ReceivedSpan[] {
  const msg = REQUEST.toObject(REQUEST.decode(body), { longs: String, defaults: false }) as Decoded;
  const out: ReceivedSpan[] = [];
  for (const rs of msg.resource_spans ?? []) {
    const resource = attributes(rs.resource?.attributes);
    for (const ss of rs.scope_spans ?? []) {
      for (const s of ss.spans ?? []) {
        out.push({
          traceId: Buffer.from(s.trace_id).toString('hex'),
          spanId: Buffer.from(s.span_id).toString('hex'),
          parentSpanId: s.parent_span_id ? Buffer.from(s.parent_span_id).toString('hex') : '',
          name: s.name,
          kind: s.kind ?? 0,
          start: BigInt(s.start_time_unix_nano),
          end: BigInt(s.end_time_unix_nano),
          attributes: attributes(s.attributes),
          status: s.status?.code ?? 0,
          resource,
          scope: { name: ss.scope?.name ?? '', version: ss.scope?.version ?? '' },
        });
      }
    }
  }
  return out;
}

export interface Export {
  readonly url: string;
  readonly headers: IncomingHttpHeaders;
  readonly spans: ReceivedSpan[];
}

/** An OTLP/HTTP collector: every export it got, decoded; `spans` lists all spans across them. */
export async function otlpReceiver(t: Teardown, reply?: (n: number, res: ServerResponse) => boolean) {
  const exports: Export[] = [];
  let n = 0;
  const up = await upstream(t, 'otlp', (req, res, body) => {
    exports.push({ url: req.url ?? '', headers: req.headers, spans: decodeExport(body) });
    if (reply !== undefined && reply(n++, res)) return;
    res.writeHead(200, { 'content-type': 'application/x-protobuf' }).end();
  });
  return {
    url: `${up.url}/v1/traces`,
    exports,
    get spans(): ReceivedSpan[] {
      return exports.flatMap((e) => e.spans);
    },
  };
}

/** A Zipkin collector: the span lists POSTed to it (JSON v2), in arrival order. */
export async function zipkinReceiver(t: Teardown) {
  const posts: { headers: IncomingHttpHeaders; spans: Record<string, unknown>[] }[] = [];
  const up = await upstream(t, 'zipkin', (req, res, body) => {
    posts.push({ headers: req.headers, spans: JSON.parse(body.toString()) as Record<string, unknown>[] });
    res.writeHead(202).end();
  });
  return {
    url: `${up.url}/api/v2/spans`,
    posts,
    get spans(): Record<string, unknown>[] {
      return posts.flatMap((p) => p.spans);
    },
  };
}
