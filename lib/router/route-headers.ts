/** Header naming the route taken: `read` or `write` (on responses; on origin requests at the edge). */
export const ROUTE_HEADER = 'x-multiregion-route';
/** Header carrying the {@link RouteReason} of the decision. */
export const REASON_HEADER = 'x-multiregion-route-reason';
