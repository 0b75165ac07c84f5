/** Header naming the route taken: `read` or `write` (on responses; on origin requests at the edge). */
export const ROUTE_HEADER = 'x-multiregion-route';
/** Header carrying the {@link RouteReason} of the decision. */
export const REASON_HEADER = 'x-multiregion-route-reason';
/** On a response: the read upstream failed and the primary answered instead (`primary`). */
export const FALLBACK_HEADER = 'x-multiregion-fallback';
/** With partition routing: the partition the request was routed in (on upstream requests and responses). */
export const PARTITION_HEADER = 'x-multiregion-partition';
/** Headers only the router sets: a client's values are removed before forwarding. */
export const ROUTER_HEADERS: readonly string[] = [ROUTE_HEADER, REASON_HEADER, FALLBACK_HEADER, PARTITION_HEADER];
