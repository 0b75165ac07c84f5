/**
 * Lambda@Edge entry point. Lambda@Edge has no environment variables, so the
 * configuration ({@link EdgeRouterConfig}) is a JSON file deployed beside
 * this module: `router-config.json` in the same directory as the compiled
 * (or bundled) handler. It is read once per cold start.
 *
 * - origin-request trigger (with `includeBody: true`): `handler`
 * - origin-response trigger (optional, read-your-own-writes marker): `responseHandler`
 */
import type { CloudFrontRequestEvent, CloudFrontResponseEvent } from 'aws-lambda';
import { readFileSync } from 'fs';
import { join } from 'path';
import {
  createOriginRequestHandler,
  createOriginResponseHandler,
  EdgeRouterConfig,
  OriginRequestHandler,
  OriginResponseHandler,
} from './edge';

/** File name of the configuration next to the handler. */
export const EDGE_CONFIG_FILE = 'router-config.json';

/** Read and validate the configuration from `dir` (default: this module's directory). */
export function loadEdgeConfig(dir: string = __dirname): EdgeRouterConfig {
  // readFileSync on a computed path (not `require('./router-config.json')`),
  // so a bundler leaves the file out of the bundle and it can be replaced
  // per deployment without rebuilding the code.
  return JSON.parse(readFileSync(join(dir, EDGE_CONFIG_FILE), 'utf8')) as EdgeRouterConfig;
}

let requestHandler: OriginRequestHandler | undefined;
let originResponseHandler: OriginResponseHandler | undefined;

export const handler = (event: CloudFrontRequestEvent) => {
  requestHandler ??= createOriginRequestHandler(loadEdgeConfig());
  return requestHandler(event);
};

export const responseHandler = (event: CloudFrontResponseEvent) => {
  originResponseHandler ??= createOriginResponseHandler(loadEdgeConfig());
  return originResponseHandler(event);
};
