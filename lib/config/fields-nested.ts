/**
 * The nested parts of the configuration file's table (fields.ts): a
 * region, the routes and their health check, a residency class, a
 * partition, and the shape helpers they share.
 */
import { AWS_REGIONS, GCP_REGIONS } from './figures';
import { ObjectShape, Property, Shape, StringShape } from './shape';

/** The roles a region can have. */
export const ROLES = ['primary', 'replica', 'headless', 'standby'] as const;
export type Role = typeof ROLES[number];

export const region = (description: string, extra: Partial<Property> = {}): Property => ({
  shape: { kind: 'string', region: true },
  perCloud: { aws: { kind: 'string', region: true, enum: AWS_REGIONS }, gcp: { kind: 'string', region: true, enum: GCP_REGIONS } },
  description,
  ...extra,
});
export const regionList = (description: string, extra: Partial<Property> = {}): Property => ({
  shape: { kind: 'array', items: { kind: 'string', region: true } },
  perCloud: {
    aws: { kind: 'array', items: { kind: 'string', region: true, enum: AWS_REGIONS } },
    gcp: { kind: 'array', items: { kind: 'string', region: true, enum: GCP_REGIONS } },
  },
  description,
  ...extra,
});
export const text = (pattern: string, patternText: string, maxLength?: number): StringShape => ({ kind: 'string', pattern, patternText, maxLength });
export const duration: Shape = { kind: 'duration' };

/** A DNS label sequence under the zone, e.g. `write` or `write.p3`. */
const RECORD_NAME = '^[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?(\\.[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?)*$';
/** A DNS name, with or without the trailing dot. */
const DNS_NAME = '^([a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?\\.)+[a-z]{2,63}\\.?$';
/** A region name or a prefix pattern (`eu-*`). */
const REGION_OR_PREFIX = '^[a-z][a-z0-9-]*\\*?$';

export const REGION_ITEM: ObjectShape = {
  kind: 'object',
  synonyms: { primary: 'role: primary', region: 'name', endpoints: 'endpoint', zones: 'availabilityZones', services: '!the file describes the database tier and its routes; remove services' },
  properties: {
    name: region('The region, e.g. `us-east-1` (AWS) or `us-central1` (Google Cloud). Its stateful resources are named after it, never after its role.', { required: true, example: 'eu-west-1' }),
    role: {
      shape: { kind: 'string', enum: ROLES },
      description: '`primary`: takes the writes today (exactly one in phases 1–4). `replica`: a read-only copy with readers. `standby`: a replica that a failover moves the writes to (at most one; the first `replica` when none is marked). `headless`: storage only, no instance (AWS pilot light: cannot serve reads). A role can change; the region\'s database stays.',
      required: true,
      example: 'replica',
    },
    endpoint: {
      shape: { kind: 'string', maxLength: 253 },
      perCloud: {
        aws: text('^([a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?\\.)+[a-z]{2,63}$', 'a hostname such as app.eu-west-1.example.com', 253),
        gcp: text('^(25[0-5]|2[0-4][0-9]|1[0-9]{2}|[1-9]?[0-9])(\\.(25[0-5]|2[0-4][0-9]|1[0-9]{2}|[1-9]?[0-9])){3}$', 'an IPv4 address such as 198.51.100.7', 15),
      },
      description: 'The application endpoint of the region the routes send traffic to: a hostname on AWS (health-checked over HTTPS), the public IPv4 address on Google Cloud. Needed from phase 3 for the primary and the standby; a region without one gets no route.',
      example: 'app.eu-west-1.example.com',
    },
    availabilityZones: {
      shape: { kind: 'array', items: text('^[a-z]{2}(-[a-z]+)+-\\d{1,2}[a-z]$', 'a zone name such as us-east-1a'), minItems: 2, maxItems: 6 },
      clouds: ['aws'],
      description: 'Zone names of the VPC the region\'s database gets (as `aws ec2 describe-availability-zones` lists them for your account): synth then looks nothing up.',
      default: 'looked up once by the CDK CLI and kept in cdk.context.json',
      example: '[us-east-1a, us-east-1b, us-east-1c]',
    },
  },
};

const HEALTH_CHECK: ObjectShape = {
  kind: 'object',
  synonyms: { intervalseconds: 'interval', checkintervalsec: 'interval', unhealthythreshold: 'failureThreshold', threshold: 'failureThreshold', requestpath: 'path' },
  properties: {
    interval: {
      shape: duration,
      perCloud: { aws: { kind: 'duration', enum: ['10s', '30s'] } },
      description: 'Time between two checks of each endpoint. AWS (Route 53): `10s` or `30s`. Google Cloud (Cloud DNS health checks with source regions): `30s` or more.',
      default: 'AWS `10s`, Google Cloud `30s`',
    },
    failureThreshold: {
      shape: { kind: 'integer', minimum: 1, maximum: 10 },
      description: 'Consecutive failed checks before an endpoint is unhealthy (1–10). Detection takes interval × failureThreshold.',
      default: 'AWS 3, Google Cloud 2',
    },
    path: {
      shape: text('^/[\\x21-\\x7e]{0,254}$', 'a request path starting with /', 255),
      description: 'The HTTPS request path checked on each endpoint.',
      default: 'AWS `/health`, Google Cloud `/healthz`',
    },
  },
};

export const ROUTING: ObjectShape = {
  kind: 'object',
  synonyms: { healthcheckinterval: 'healthCheck.interval', failoverthreshold: 'healthCheck.failureThreshold', domain: 'zone', domainname: 'zone', zonename: 'zone' },
  properties: {
    zone: {
      shape: text(DNS_NAME, 'a DNS name such as example.com', 253),
      description: 'The DNS zone the routes are published in, e.g. `example.com` (the trailing dot is optional). Hostnames are `<writeName>.<zone>`, `<readName>.<zone>` and, with graphql, `api.<zone>`.',
      required: true,
      example: 'example.com',
    },
    hostedZoneId: {
      shape: text('^Z[A-Z0-9]{1,31}$', 'a Route 53 hosted zone id such as Z0123456789ABCDEFGHIJ', 32),
      clouds: ['aws'],
      required: ['aws'],
      otherCloud: 'routing.managedZone',
      description: 'The id of the existing public Route 53 hosted zone of `zone` (no lookup at synth).',
      example: 'Z0123456789ABCDEFGHIJ',
    },
    managedZone: {
      shape: text('^[a-z]([-a-z0-9]{0,61}[a-z0-9])?$', 'a Cloud DNS managed zone name such as prod-zone', 63),
      clouds: ['gcp'],
      required: ['gcp'],
      otherCloud: 'routing.hostedZoneId',
      description: 'The name of the existing Cloud DNS managed zone of `zone`.',
      example: 'prod-zone',
    },
    strategy: {
      shape: { kind: 'string', enum: ['latency', 'geolocation'] },
      perCloud: { aws: { kind: 'string', enum: ['latency'] }, gcp: { kind: 'string', enum: ['geolocation'] } },
      description: 'How the read route picks a region: `latency` (Route 53 latency records, AWS) or `geolocation` (Cloud DNS geo routing policy, Google Cloud). The write route always fails over to the standby.',
      default: 'AWS `latency`, Google Cloud `geolocation`',
    },
    writeName: {
      shape: text(RECORD_NAME, 'DNS labels such as write or write.p3', 200),
      description: 'The write hostname under the zone.',
      default: '`write`',
    },
    readName: {
      shape: text(RECORD_NAME, 'DNS labels such as read or read.p3', 200),
      description: 'The read hostname under the zone (phase 4).',
      default: '`read`',
    },
    ttl: {
      shape: duration,
      description: 'TTL of the records: clients keep an answer this long, so it adds to the RTO.',
      default: 'AWS `60s`, Google Cloud `30s`',
    },
    healthCheck: { shape: HEALTH_CHECK, description: 'How each region\'s endpoint is checked.', default: 'see its keys' },
    graphql: {
      shape: { kind: 'boolean' },
      clouds: ['aws'],
      description: 'One GraphQL entry point, `api.<zone>` (CloudFront + Lambda@Edge + WAF): queries to the read route, mutations to the write route. Phase 4 (it needs the read route); phase 5 geo-partitioned: each request to its partition\'s routes, which needs `partitionKey`. On Google Cloud, run the Node router (`multiregion-router`) instead.',
      default: 'false',
    },
    partitionKey: {
      shape: {
        kind: 'object',
        synonyms: { source: 'from', type: 'from' },
        properties: {
          from: {
            shape: { kind: 'string', enum: ['variable', 'header', 'cookie'] },
            required: true,
            description: '`variable`: a GraphQL variable of the operation; `header` or `cookie`: set by a trusted layer in front (CloudFront passes what the viewer sent). A verified JWT claim needs its keys: build that in code (GeoPartitionedDatabase `graphql.source`).',
            example: 'variable',
          },
          name: {
            shape: text('^[A-Za-z_][A-Za-z0-9_-]{0,99}$', 'a variable, header or cookie name such as partition', 100),
            required: true,
            description: 'The variable (without `$`), header or cookie that names the partition.',
            example: 'partition',
          },
        },
      },
      clouds: ['aws'],
      description: 'Phase 5 geo-partitioned with `graphql: true`: where the edge entry point reads a request\'s partition (a request without a known partition is refused at the edge). The application must still check that the caller may write the partition it names.',
    },
  },
};

export const RESIDENCY_ITEM: ObjectShape = {
  kind: 'object',
  synonyms: { type: 'class', name: 'class', allowed: 'allowedRegions' },
  properties: {
    class: {
      shape: text('^[a-z][a-z0-9_-]{0,62}$', 'lowercase letters, digits, _ and -, starting with a letter', 63),
      required: true,
      description: 'A name for the class of data, e.g. `user_pii`.',
      example: 'user_pii',
    },
    allowedRegions: {
      shape: { kind: 'array', items: text(REGION_OR_PREFIX, 'a region name or a prefix ending in * such as eu-*', 64), minItems: 1 },
      required: true,
      description: 'Regions that may hold a copy of the class\'s data: names, or prefixes ending in `*` (`eu-*`, `europe-*`). In phases 1–4 every region holds a full copy, so a class must allow every region of the file.',
      example: '[eu-west-1, eu-central-1]',
    },
  },
};

export const PARTITION_ITEM: ObjectShape = {
  kind: 'object',
  synonyms: { home: 'homeRegion', replicas: 'replicaRegions' },
  properties: {
    name: {
      shape: text('^[a-z](?:[a-z0-9-]*[a-z0-9])?$', 'lowercase letters, digits and hyphens, starting with a letter', 20),
      required: true,
      description: 'The partition (1–20 lowercase letters, digits, hyphens): part of hostnames and identifiers.',
      example: 'eu',
    },
    homeRegion: region('The one region that takes the partition\'s writes.', { required: true, example: 'eu-west-1' }),
    replicaRegions: regionList('Regions holding a read copy; the first is the standby a failover moves the writes to.', { default: '[] (losing the home region stops the partition\'s writes)' }),
    residency: {
      shape: text('^[a-z][a-z0-9_-]{0,62}$', 'the class of an entry of residency', 63),
      description: 'The residency class (from `residency`) the partition\'s data belongs to: every copy must be in a region the class allows.',
      default: 'no restriction',
      example: 'user_pii',
    },
    origin: region('The region the partition\'s database was first created in (as the top-level `origin`).', { default: 'the home region' }),
    stackPrefix: {
      shape: text('^[A-Za-z][A-Za-z0-9-]{0,63}$', 'letters, digits and hyphens, starting with a letter (at most 64)', 64),
      clouds: ['aws'],
      description: 'Prefix of the partition\'s stack names (`<prefix>-<region>`, `<prefix>-Routing`). The file\'s own `stackPrefix` marks the partition that continues the phase-4 deployment: it keeps its stacks and its global cluster `database.id`, so climbing to phase 5 replaces nothing. Create-only, as the top-level one.',
      default: '`<stackPrefix>-<name>` (global cluster `<that, lowercased>-global`)',
      example: 'Orders',
    },
  },
};
