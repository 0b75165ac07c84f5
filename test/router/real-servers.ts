import * as http from 'http';
import type { AddressInfo } from 'net';
import { buildSchema, GraphQLObjectType, GraphQLSchema, parse } from 'graphql';
import { createHandler } from 'graphql-http/lib/use/http';
import express from 'express';
import { graphqlHTTP } from 'express-graphql';
import { ApolloServer } from '@apollo/server';
import { expressMiddleware } from '@apollo/server/express4';
import { sha } from './request-shapes';

/**
 * Real GraphQL servers from npm, on 127.0.0.1, each with its own record of
 * the mutations it executed. A "replica" built from these must never record
 * one behind the router.
 */
export type ServerKind = 'graphql-http' | 'apollo-server-4 (express)' | 'express-graphql' | 'graphql-http + stored documents';
export const SERVER_KINDS: readonly ServerKind[] = ['graphql-http', 'apollo-server-4 (express)', 'express-graphql', 'graphql-http + stored documents'];

export interface RealServer {
  readonly kind: ServerKind;
  readonly url: string;
  /** Names of the mutation fields this server executed, in order. */
  readonly executed: string[];
  /** The `value` argument of every `write` mutation it executed (the partition tests pass `$tenant`). */
  readonly written: (string | null)[];
  close(): Promise<void>;
}

/** Every field the request table (request-shapes.ts) names, so its documents validate and run. */
const SDL = `
  type User { id: ID name: String }
  type Product { id: ID name: String price: String }
  type Cart { id: ID }
  type Order { id: ID orderId: ID }
  type Item { id: ID }
  type Price { sku: String price: String }
  type Query {
    me: User
    servedBy: String
    product(id: ID!): Product
    search(text: String): [Item]
    cart: Cart
    note(text: String): String
    mutation: String
    subscription: String
    a: String
    b: String
    f: String
  }
  type Mutation {
    logout: Boolean
    deleteAll: Boolean
    addToCart(sku: String): Cart
    checkout: Order
    write(value: String): String
    b: String
  }
  type Subscription { priceChanged: Price }
`;

/** The schema with resolvers: queries answer, every mutation field records itself in `executed`. */
export function recordingSchema(name: string, executed: string[], written: (string | null)[] = []): GraphQLSchema {
  const schema = buildSchema(SDL);
  const query = schema.getQueryType() as GraphQLObjectType;
  for (const field of Object.values(query.getFields())) {
    field.resolve = (_root, args: Record<string, unknown>) => {
      switch (field.name) {
        case 'servedBy':
          return name;
        case 'me':
          return { id: '1', name };
        case 'search':
          return [{ id: '1' }];
        case 'product':
          return { id: args.id, name: 'p', price: '1' };
        case 'cart':
          return { id: 'c' };
        default:
          return field.name;
      }
    };
  }
  const mutation = schema.getMutationType() as GraphQLObjectType;
  for (const field of Object.values(mutation.getFields())) {
    field.resolve = (_root, args: { value?: string | null }) => {
      executed.push(field.name);
      if (field.name === 'write') written.push(args.value ?? null);
      return field.name === 'addToCart' ? { id: 'c' } : field.name === 'checkout' ? { id: 'o', orderId: 'o' } : field.name === 'write' ? name : true;
    };
  }
  return schema;
}

/**
 * Stored documents by SHA-256, for the server that prefers them: the
 * graphql-http recipe for persisted operations (`onSubscribe` swaps in the
 * stored document when the request names one).
 */
function storedDocuments(documents: readonly string[]): ReadonlyMap<string, string> {
  return new Map(documents.map((d) => [sha(d), d]));
}

/** Start one server of `kind` on 127.0.0.1:0, GraphQL at /graphql. */
export async function startRealServer(kind: ServerKind, name: string, stored: readonly string[] = []): Promise<RealServer> {
  const executed: string[] = [];
  const written: (string | null)[] = [];
  const schema = recordingSchema(name, executed, written);
  let server: http.Server;
  let stop = async () => undefined as void;
  switch (kind) {
    case 'graphql-http':
      server = http.createServer(nodeHandler(createHandler({ schema })));
      break;
    case 'graphql-http + stored documents': {
      const store = storedDocuments(stored);
      const handler = createHandler({
        schema,
        onSubscribe: (_req, params) => {
          const hash = (params.extensions?.persistedQuery as { sha256Hash?: unknown } | undefined)?.sha256Hash;
          const document = typeof hash === 'string' ? store.get(hash.toLowerCase()) : undefined;
          if (document === undefined) return undefined;
          return { schema, document: parse(document), operationName: params.operationName, variableValues: params.variables };
        },
      });
      server = http.createServer(nodeHandler(handler));
      break;
    }
    case 'apollo-server-4 (express)': {
      const apollo = new ApolloServer({ schema, allowBatchedHttpRequests: true, includeStacktraceInErrorResponses: false });
      await apollo.start();
      const app = express();
      app.use('/graphql', express.json({ limit: '2mb' }), expressMiddleware(apollo));
      server = http.createServer(app);
      stop = () => apollo.stop();
      break;
    }
    case 'express-graphql': {
      const app = express();
      // Its own body parser (raw-body + iconv-lite), as documented.
      // customFormatErrorFn: its default formatter predates graphql 16 (error.toJSON).
      app.use('/graphql', graphqlHTTP({ schema, graphiql: false, customFormatErrorFn: (e) => ({ message: e.message }) }));
      server = http.createServer(app);
      break;
    }
  }
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    kind,
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    executed,
    written,
    close: async () => {
      await stop();
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}

function nodeHandler(handler: (req: http.IncomingMessage, res: http.ServerResponse) => Promise<void>): http.RequestListener {
  return (req, res) => {
    if (!/^\/graphql\/?(\?|$)/i.test(req.url ?? '')) {
      res.writeHead(404).end();
      return;
    }
    handler(req, res).catch(() => {
      res.statusCode = 500;
      res.end();
    });
  };
}
