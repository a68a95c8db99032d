const { TestEnvironment } = require('jest-environment-jsdom');

/**
 * jsdom, plus the Node globals jsdom leaves out: the integration test calls a real ingester with
 * Node's fetch (as Grafana's server would), and @grafana/* need TextEncoder.
 */
class JsdomWithNodeGlobals extends TestEnvironment {
  constructor(config, context) {
    super(config, context);
    for (const name of [
      'fetch',
      'Headers',
      'Request',
      'Response',
      'TextEncoder',
      'TextDecoder',
      'structuredClone',
    ]) {
      if (this.global[name] === undefined) this.global[name] = globalThis[name];
    }
  }
}

module.exports = JsdomWithNodeGlobals;
