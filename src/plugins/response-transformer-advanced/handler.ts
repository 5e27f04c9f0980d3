import { definePlugin } from '../define.js';
import { compileHeaderTransform, type HeaderTransformConfig } from '../transform/header-transform.js';
import { compileBodyPlan, configTouchesBody, type BodyTransformConfig } from '../transform/json-transform.js';
import { responseHandlers } from '../transform/response-handlers.js';
import { schema } from './schema.js';

type Config = HeaderTransformConfig & BodyTransformConfig;

export default definePlugin<Config>({
  schema,
  buffersResponse: (config) => configTouchesBody(config),
  create(config) {
    return responseHandlers(compileHeaderTransform(config, 'advanced'), compileBodyPlan(config), true);
  },
});
