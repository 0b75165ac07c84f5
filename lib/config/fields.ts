/**
 * The configuration file, key by key (apiVersion multiregion/v1). The
 * validator, the JSON Schema and the docs' key reference are all made from
 * this table (shape.ts).
 */
import { duration, PARTITION_ITEM, region, REGION_ITEM, RESIDENCY_ITEM, ROUTING, text } from './fields-nested';
import { ObjectShape } from './shape';

export { ROLES } from './fields-nested';
export type { Role } from './fields-nested';

/** The version this release reads. */
export const API_VERSION = 'multiregion/v1';

/** The whole file. */
export const FILE_SHAPE: ObjectShape = {
  kind: 'object',
  synonyms: {
    multiregion: 'apiVersion: multiregion/v1 (the file is the configuration itself, no multi_region: wrapper)',
    version: 'apiVersion', api: 'apiVersion', provider: 'cloud', accountid: 'account', projectid: 'project',
    datagovernance: 'residency', dataresidency: 'residency', monitoring: 'alerts', notifications: 'alerts',
    recoveryobjectives: 'objectives', rto: 'objectives.rto', rpo: 'objectives.rpo', primaryregion: 'regions (role: primary)',
    replicaregions: 'regions (role: replica)', engine: 'database.engine', writemode: 'mode',
  },
  properties: {
    $schema: {
      shape: { kind: 'string', maxLength: 2000 },
      description: 'For editors of a JSON file: where its JSON Schema is (YAML files use the `# yaml-language-server: $schema=` comment instead). Ignored.',
    },
    apiVersion: {
      shape: { kind: 'string', enum: [API_VERSION] },
      required: true,
      description: `The version of this file's format: \`${API_VERSION}\`.`,
      example: API_VERSION,
    },
    name: {
      shape: text('^[a-z][a-z0-9-]{0,38}[a-z0-9]$', '2–40 lowercase letters, digits and hyphens, starting with a letter', 40),
      required: true,
      description: 'The deployment\'s name, e.g. `orders`: the default of `stackPrefix` and `database.id`.',
      example: 'orders',
    },
    stackPrefix: {
      shape: text('^[A-Za-z][A-Za-z0-9-]{0,63}$', 'letters, digits and hyphens, starting with a letter (at most 64)', 64),
      description: 'Prefix of the stack names (CloudFormation stacks, cdktf stacks). Changing it makes new stacks: it replaces everything.',
      default: 'name',
      example: 'Orders',
    },
    cloud: {
      shape: { kind: 'string', enum: ['aws', 'gcp'] },
      required: true,
      description: '`aws` (aws-cdk-lib: Aurora Global Database, Route 53) or `gcp` (cdktf: Cloud SQL, Cloud DNS).',
      example: 'aws',
    },
    account: {
      shape: text('^[0-9]{12}$', '12 digits (quote it: a YAML number loses leading zeros)', 12),
      clouds: ['aws'],
      required: ['aws'],
      otherCloud: 'project',
      description: 'The AWS account of every stack, 12 digits, quoted.',
      example: "'123456789012'",
    },
    project: {
      shape: text('^[a-z][a-z0-9-]{4,28}[a-z0-9]$', 'a project id: 6–30 lowercase letters, digits and hyphens, starting with a letter', 30),
      clouds: ['gcp'],
      required: ['gcp'],
      otherCloud: 'account',
      description: 'The Google Cloud project of every stack.',
      example: 'my-project',
    },
    phase: {
      shape: { kind: 'integer', minimum: 1, maximum: 5 },
      required: true,
      description: 'The rung of the evolution ladder (docs/ladder.md): 1 one hardened region, 2 an async replica, 3 active-passive with a tested failover, 4 reads from every region, 5 writes in several regions.',
      example: '3',
    },
    origin: region('The region where the database was first created (on AWS the cluster that holds the master credentials, from which the global cluster was made). It never changes when another region becomes the writer: a role swap keeps it, and changing it replaces the databases. Pin it in every multi-region file.', { default: 'the region with role primary' }),
    regions: {
      shape: { kind: 'array', items: REGION_ITEM, minItems: 1 },
      required: true,
      description: 'Every region of the deployment, with its role.',
    },
    database: {
      shape: {
        kind: 'object',
        synonyms: { identifier: 'id', globalclusteridentifier: 'id', instancename: 'id', backupretentiondays: 'backupRetention', backups: 'backupRetention' },
        properties: {
          id: {
            shape: text('^[a-z](?!.*--)[a-z0-9-]{0,61}[a-z0-9]$', '2–63 lowercase letters, digits and single hyphens, starting with a letter', 63),
            description: 'The database\'s identifier: the Aurora global cluster identifier (AWS; each region\'s cluster is named from it and the region) or the Cloud SQL primary instance name (Google Cloud; replicas are `<id>-<region>`). Create-only: changing it replaces the databases.',
            default: 'name',
            example: 'orders',
          },
          engine: {
            shape: { kind: 'string', enum: ['postgresql', 'mysql'] },
            description: 'The engine family (PostgreSQL 16 or MySQL 8 compatible). Changing it replaces the databases.',
            default: '`postgresql`',
          },
          edition: {
            shape: { kind: 'string', enum: ['ENTERPRISE', 'ENTERPRISE_PLUS'] },
            clouds: ['gcp'],
            description: 'Cloud SQL edition. `ENTERPRISE_PLUS` gives the standby a switchover without data loss (advanced disaster recovery).',
            default: '`ENTERPRISE` in phases 1–2, `ENTERPRISE_PLUS` from phase 3',
          },
          backupRetention: {
            shape: duration,
            description: 'How long automated backups are kept, in whole days: at least `7d`; at most `35d` on AWS, `365d` on Google Cloud.',
            default: 'AWS `14d`; Google Cloud `14d` (Enterprise) or `21d` (Enterprise Plus)',
            example: '14d',
          },
        },
      },
      description: 'The database. Everything not listed here (encryption, deletion protection, point-in-time recovery, private networking) is on and cannot be turned off from this file.',
      default: 'see its keys',
    },
    objectives: {
      shape: {
        kind: 'object',
        synonyms: { rtoseconds: 'rto', rposeconds: 'rpo' },
        properties: {
          rto: { shape: duration, description: 'Recovery time objective: how long writes may be unavailable. Checked against the failover estimate (`multiregion plan` shows it).', example: '15m' },
          rpo: { shape: duration, description: 'Recovery point objective: how many seconds of recent writes a failover may lose. `0s` is impossible across regions (replication is asynchronous). On Aurora PostgreSQL, `20s` or more is enforced by the database (`rds.global_db_rpo`).', example: '30s' },
          acceptRpoGuardWriteStalls: {
            shape: { kind: 'boolean' },
            clouds: ['aws'],
            description: 'With one replica region, an RPO Aurora enforces makes every impairment of that region stop writes in the primary; `true` accepts that (an alarm warns at 80% of the bound).',
            default: 'false',
          },
        },
      },
      description: 'Declared recovery objectives, checked against the estimate.',
      default: 'none declared',
    },
    replication: {
      shape: {
        kind: 'object',
        synonyms: {
          lagthreshold: 'lagAlarm', lagalarmthreshold: 'lagAlarm',
          strategy: '!replication is always asynchronous on both clouds; remove strategy',
          consistency: '!reads from a replica are eventually consistent (stale by up to the lag); remove consistency',
          conflictresolution: '!one region writes each row (phases 1–4, and phase 5 geo-partitioned), so there is nothing to resolve; remove conflict resolution (last-write-wins is refused: it silently loses writes)',
        },
        properties: {
          lagAlarm: { shape: duration, description: 'Each replica alarms when its replication lag passes this. Keep it at or below `objectives.rpo`.', default: '`30s`', example: '5s' },
        },
      },
      description: 'Replication between the regions (always asynchronous storage or log replication).',
      default: 'see its keys',
    },
    routing: { shape: ROUTING, description: 'DNS routes: the write route (phase 3 on) and the read route (phase 4 on). Required from phase 3.', required: false },
    residency: {
      shape: { kind: 'array', items: RESIDENCY_ITEM },
      description: 'Classes of data and the regions that may hold them.',
      default: '[] (no restriction)',
    },
    alerts: {
      shape: {
        kind: 'object',
        synonyms: { emails: 'email', sns: 'snsTopicArn', topic: 'snsTopicArn', channels: 'notificationChannels', notificationchannel: 'notificationChannels' },
        properties: {
          email: {
            shape: { kind: 'array', items: text('^[^@\\s]+@[^@\\s]+\\.[^@\\s]+$', 'an email address', 254), minItems: 1 },
            clouds: ['aws'],
            otherCloud: 'alerts.notificationChannels',
            description: 'Addresses subscribed (by email, confirmed by each recipient) to every Region\'s alarm topic (DeploymentMonitoring, phase 2 on).',
            example: '[oncall@example.com]',
          },
          snsTopicArn: {
            shape: text('^arn:aws[a-z-]*:sns:[a-z0-9-]+:[0-9]{12}:[A-Za-z0-9_-]{1,256}$', 'an SNS topic ARN such as arn:aws:sns:us-east-1:123456789012:oncall', 400),
            clouds: ['aws'],
            otherCloud: 'alerts.notificationChannels',
            description: 'Not used by fromFile yet (a synth warning says so): an alarm can notify only a topic in its own Region, so each Region gets its own alarm topic; subscribe this topic\'s endpoints to those, or use alerts.email.',
          },
          notificationChannels: {
            shape: { kind: 'array', items: text('^projects/[a-z][a-z0-9-]{4,28}[a-z0-9]/notificationChannels/[0-9]+$', 'projects/<project>/notificationChannels/<id>', 200), minItems: 1 },
            clouds: ['gcp'],
            otherCloud: 'alerts.email or alerts.snsTopicArn',
            description: 'Existing Cloud Monitoring notification channels the alert policies notify.',
            example: '[projects/my-project/notificationChannels/123]',
          },
        },
      },
      description: 'Where alarms go.',
      default: 'none (alarms only show in the console)',
    },
    failover: {
      shape: {
        kind: 'object',
        synonyms: { automatic: 'decision: automatic', mode: 'decision' },
        properties: {
          decision: {
            shape: { kind: 'string', enum: ['manual', 'automatic'] },
            description: '`manual`: a person decides to fail over after the detection alarm (`decisionTime` is counted in the estimate). `automatic` (AWS): the alarm starts the automation.',
            default: '`manual`',
          },
          decisionTime: { shape: duration, description: 'How long your on-call needs to notice, judge and start the procedure (an assumption; measure it in a drill).', default: '`10m`' },
          allowDataLoss: {
            shape: { kind: 'boolean' },
            description: 'With `decision: automatic`: the automation may fail over with data loss. Without it the automation only switches over (no data loss), and an unplanned failover stays a person\'s decision.',
            default: 'false',
          },
          engine: {
            shape: { kind: 'string', enum: ['region-switch', 'stepfunctions'] },
            clouds: ['aws'],
            description: 'The failover orchestrator: an ARC Region switch plan, or Step Functions state machines in every region.',
            default: '`region-switch`',
          },
        },
      },
      description: 'Who decides to fail over, and with what (phase 3 on).',
      default: 'see its keys',
    },
    mode: {
      shape: { kind: 'string', enum: ['geo-partitioned', 'active-active'], deferEnum: true },
      description: 'Phase 5 only, no default: `geo-partitioned` (each partition has one home region that takes its writes) or `active-active` (a strongly consistent multi-writer engine: Aurora DSQL, Spanner).',
    },
    witnessRegion: region('Phase 5, `mode: active-active` on AWS: the Aurora DSQL witness Region, a third Region of the peers\' Region set (it votes in the write quorum and keeps encrypted transaction logs, so residency applies to it; it has no endpoint).', {
      clouds: ['aws'],
      example: 'us-west-2',
    }),
    partitions: {
      shape: { kind: 'array', items: PARTITION_ITEM, minItems: 1 },
      description: 'Phase 5, `mode: geo-partitioned`: the partitions of the data and their regions.',
    },
    stateBucket: {
      shape: {
        kind: 'object',
        properties: {
          name: { shape: text('^[a-z0-9][a-z0-9_.-]{1,61}[a-z0-9]$', 'a Cloud Storage bucket name', 63), required: true, description: 'The bucket (globally unique name).', example: 'acme-orders-tfstate' },
          location: { shape: text('^[A-Za-z0-9-]{2,64}$', 'a bucket location such as US, EU, NAM4 or europe-west1', 64), required: true, description: 'A multi-region or dual-region location (`US`, `EU`, `NAM4`, …) survives the loss of any one region.', example: 'US' },
        },
      },
      clouds: ['gcp'],
      description: 'The Cloud Storage bucket every stack keeps its Terraform state in (docs/gcp/README.md, "Terraform state").',
      default: 'none: each stack has a local state',
    },
  },
};
