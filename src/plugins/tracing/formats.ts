/** Kong's tracing header formats by name (propagation/utils.lua FORMATS), each format's extractor and injector. */
import type { Extractor, Injector } from './format.js';
import { awsExtractor, awsInjector } from './formats/aws.js';
import { b3Extractor, b3Injector, b3SingleInjector } from './formats/b3.js';
import { datadogExtractor, datadogInjector } from './formats/datadog.js';
import { gcpExtractor, gcpInjector } from './formats/gcp.js';
import { instanaExtractor, instanaInjector } from './formats/instana.js';
import { jaegerExtractor, jaegerInjector } from './formats/jaeger.js';
import { otExtractor, otInjector } from './formats/ot.js';
import { w3cExtractor, w3cInjector } from './formats/w3c.js';

export const INJECT_FORMATS = ['w3c', 'b3', 'b3-single', 'jaeger', 'ot', 'datadog', 'aws', 'gcp', 'instana'] as const;
export type InjectFormat = (typeof INJECT_FORMATS)[number];
/** b3 and b3-single share one extractor, b3. */
export const EXTRACT_FORMATS = INJECT_FORMATS.filter((f) => f !== 'b3-single') as Exclude<InjectFormat, 'b3-single'>[];
export type ExtractFormat = Exclude<InjectFormat, 'b3-single'>;

export const EXTRACTORS: Readonly<Record<ExtractFormat, Extractor>> = {
  w3c: w3cExtractor,
  b3: b3Extractor,
  jaeger: jaegerExtractor,
  ot: otExtractor,
  datadog: datadogExtractor,
  aws: awsExtractor,
  gcp: gcpExtractor,
  instana: instanaExtractor,
};

export const INJECTORS: Readonly<Record<InjectFormat, Injector>> = {
  w3c: w3cInjector,
  b3: b3Injector,
  'b3-single': b3SingleInjector,
  jaeger: jaegerInjector,
  ot: otInjector,
  datadog: datadogInjector,
  aws: awsInjector,
  gcp: gcpInjector,
  instana: instanaInjector,
};
