/**
 * The application of one lab region: a small GraphQL service over its own
 * PostgreSQL server (graphql + graphql-http + pg).
 *
 *   mutation { createOrder(id: "w1-7", customer: "c1") { id } }
 *   query    { orders(customer: "c1", limit: 3) { id } }
 *
 * Reads and writes both go to the region's local database. The router
 * sends mutations to the write region, whose database is the primary; a
 * mutation that reaches any other region hits a hot standby, and PostgreSQL
 * refuses it (SQLSTATE 25006). The app then answers READ_ONLY_REPLICA and
 * counts it, so misrouting cannot hide: the drills require that count to be 0.
 *
 * GET /health answers 200 when the database answers `pg_is_in_recovery()`,
 * with its role; 503 otherwise. That is what the health checks poll.
 */
import * as http from 'http';
import { GraphQLError, GraphQLID, GraphQLInt, GraphQLList, GraphQLNonNull, GraphQLObjectType, GraphQLSchema, GraphQLString } from 'graphql';
import { createHandler } from 'graphql-http/lib/use/http';
import { Pool } from 'pg';
import { PgServer } from './postgres';
import { listenOnLoopback } from './loopback';

/**
 * An application's database role: no superuser, only what an order service
 * needs (the fence drill's stray clients use it; a fence an application
 * role could undo would be no fence).
 */
export const APP_ROLE = 'lab_app';

/** The table every region serves (created on the first primary, replicated to the rest). */
export const SCHEMA_SQL = `CREATE TABLE orders (
  seq bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  id text NOT NULL UNIQUE,
  customer text NOT NULL,
  created_at timestamptz NOT NULL DEFAULT clock_timestamp()
);
CREATE INDEX orders_customer ON orders (customer, seq DESC);
CREATE ROLE ${APP_ROLE} LOGIN;
GRANT SELECT, INSERT ON orders TO ${APP_ROLE};`;

export interface AppStats {
  /** Mutations that reached this region while its database was a standby (PostgreSQL refused each). */
  mutationsOnReplica: number;
  /** Mutations committed here. */
  writes: number;
  reads: number;
}

interface OrderRow {
  id: string;
  customer: string;
}

export class RegionApp {
  readonly stats: AppStats = { mutationsOnReplica: 0, writes: 0, reads: 0 };
  private readonly pool: Pool;
  private readonly healthPool: Pool;
  private readonly server: http.Server;
  port = 0;

  constructor(readonly region: string, db: PgServer, healthTimeoutMs: number) {
    const base = { ...db.connection, connectionTimeoutMillis: 1000, query_timeout: 3000, idleTimeoutMillis: 5000 };
    this.pool = new Pool({ ...base, max: 8 });
    this.healthPool = new Pool({ ...base, max: 2, connectionTimeoutMillis: healthTimeoutMs, query_timeout: healthTimeoutMs });
    // A killed server breaks idle connections: the pool drops them; nothing to do.
    this.pool.on('error', () => undefined);
    this.healthPool.on('error', () => undefined);
    const graphql = createHandler({ schema: this.schema() });
    this.server = http.createServer({ keepAlive: true }, (req, res) => {
      const path = (req.url ?? '/').split('?')[0];
      if (path === '/graphql') {
        graphql(req, res).catch(() => {
          if (!res.headersSent) res.writeHead(500);
          res.end();
        });
      } else if (path === '/health') {
        this.health().then(({ status, body }) => {
          res.writeHead(status, { 'content-type': 'application/json' });
          res.end(JSON.stringify(body));
        });
      } else {
        res.writeHead(404).end();
      }
    });
  }

  async listen(port = 0): Promise<number> {
    this.port = await listenOnLoopback(this.server, port);
    return this.port;
  }

  get url(): string {
    return `http://127.0.0.1:${this.port}`;
  }

  async close(): Promise<void> {
    this.server.closeAllConnections();
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
    await Promise.all([this.pool.end().catch(() => undefined), this.healthPool.end().catch(() => undefined)]);
  }

  private async health(): Promise<{ status: number; body: unknown }> {
    try {
      const { rows } = await this.healthPool.query<{ r: boolean }>('SELECT pg_is_in_recovery() AS r');
      return { status: 200, body: { region: this.region, role: rows[0].r ? 'replica' : 'primary' } };
    } catch (err) {
      return { status: 503, body: { region: this.region, error: (err as Error).message } };
    }
  }

  private async createOrder(id: string, customer: string): Promise<OrderRow> {
    try {
      const { rows } = await this.pool.query<OrderRow>('INSERT INTO orders (id, customer) VALUES ($1, $2) RETURNING id, customer', [id, customer]);
      this.stats.writes++;
      return rows[0];
    } catch (err) {
      throw await this.classify(err as Error & { code?: string });
    }
  }

  private async classify(err: Error & { code?: string }): Promise<GraphQLError> {
    if (err.code === '25006') {
      // Read-only: a hot standby, or a primary fenced for a switchover.
      const inRecovery = await this.pool.query<{ r: boolean }>('SELECT pg_is_in_recovery() AS r').then((r) => r.rows[0].r, () => undefined);
      if (inRecovery) {
        this.stats.mutationsOnReplica++;
        return new GraphQLError(`region ${this.region}: the database is a read-only replica: ${err.message}`, { extensions: { code: 'READ_ONLY_REPLICA', region: this.region } });
      }
      return new GraphQLError(`region ${this.region}: the database is read-only (fenced): ${err.message}`, { extensions: { code: 'READ_ONLY', region: this.region } });
    }
    const code = err.code ? 'DATABASE_ERROR' : 'DATABASE_UNAVAILABLE';
    return new GraphQLError(`region ${this.region}: ${err.message}`, { extensions: { code, region: this.region, sqlstate: err.code } });
  }

  private schema(): GraphQLSchema {
    const Order = new GraphQLObjectType({
      name: 'Order',
      fields: {
        id: { type: new GraphQLNonNull(GraphQLID) },
        customer: { type: new GraphQLNonNull(GraphQLString) },
        /** The region whose database answered. */
        region: { type: new GraphQLNonNull(GraphQLString), resolve: () => this.region },
      },
    });
    return new GraphQLSchema({
      query: new GraphQLObjectType({
        name: 'Query',
        fields: {
          region: { type: new GraphQLNonNull(GraphQLString), resolve: () => this.region },
          orders: {
            type: new GraphQLNonNull(new GraphQLList(new GraphQLNonNull(Order))),
            args: { customer: { type: new GraphQLNonNull(GraphQLString) }, limit: { type: GraphQLInt, defaultValue: 5 } },
            resolve: async (_root, args: { customer: string; limit: number }) => {
              try {
                const { rows } = await this.pool.query<OrderRow>(
                  'SELECT id, customer FROM orders WHERE customer = $1 ORDER BY seq DESC LIMIT $2',
                  [args.customer, Math.min(Math.max(args.limit, 1), 100)],
                );
                this.stats.reads++;
                return rows;
              } catch (err) {
                throw await this.classify(err as Error & { code?: string });
              }
            },
          },
        },
      }),
      mutation: new GraphQLObjectType({
        name: 'Mutation',
        fields: {
          createOrder: {
            type: new GraphQLNonNull(Order),
            args: { id: { type: new GraphQLNonNull(GraphQLID) }, customer: { type: new GraphQLNonNull(GraphQLString) } },
            resolve: (_root, args: { id: string; customer: string }) => this.createOrder(args.id, args.customer),
          },
        },
      }),
    });
  }
}
