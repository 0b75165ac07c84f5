/** parse-prometheus-text-format ships no types; the tests use this much of it. */
declare module 'parse-prometheus-text-format' {
  function parsePrometheusTextFormat(text: string): unknown[];
  export = parsePrometheusTextFormat;
}
