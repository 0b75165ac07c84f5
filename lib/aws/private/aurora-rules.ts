/**
 * What Aurora Global Database accepts, checked at synth time so a bad choice
 * fails here instead of half-way through a deployment.
 */
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import * as rds from 'aws-cdk-lib/aws-rds';
import { Token } from 'aws-cdk-lib';
import { ConfigProblem, EngineFamily, show } from '../../core';
import { AWS_PROFILE } from './aws-profile';

/**
 * Lowest engine version per major version that Aurora Global Database
 * supports (the most restrictive region of the table is not applied; these are
 * the first versions the feature shipped with):
 * https://docs.aws.amazon.com/AmazonRDS/latest/AuroraUserGuide/Concepts.Aurora_Fea_Regions_DB-eng.Feature.GlobalDatabase.html
 */
const MIN_GLOBAL_POSTGRES: Readonly<Record<number, string>> = {
  11: '11.9', 12: '12.4', 13: '13.3', 14: '14.3', 15: '15.2', 16: '16.1', 17: '17.4',
};
/** Aurora MySQL version 3 from 3.01.0 (MySQL 8.0 compatible); version 2 (5.7) is past end of standard support. */
const MIN_GLOBAL_MYSQL = '3.01.0';

/** Compares dotted version strings numerically. */
export function compareVersions(a: string, b: string): number {
  const pa = a.split('.').map((x) => parseInt(x, 10));
  const pb = b.split('.').map((x) => parseInt(x, 10));
  for (let i = 0; i < Math.max(pa.length, pb.length); i++) {
    const d = (pa[i] ?? 0) - (pb[i] ?? 0);
    if (d !== 0) return d;
  }
  return 0;
}

/** The engine family of an Aurora engine, or undefined for anything else. */
export function engineFamily(engine: rds.IClusterEngine): EngineFamily | undefined {
  if (engine.engineType === 'aurora-postgresql') return 'postgresql';
  if (engine.engineType === 'aurora-mysql') return 'mysql';
  return undefined;
}

/** Problems with an engine for a (possibly global) Aurora cluster. */
export function checkEngine(engine: rds.IClusterEngine, global: boolean, property = 'engine'): ConfigProblem[] {
  const family = engineFamily(engine);
  const full = engine.engineVersion?.fullVersion;
  if (!family) {
    return [{
      property,
      message: `${property} ${show(engine.engineType)} is not supported`,
      fix: 'use DatabaseClusterEngine.auroraPostgres(...) or DatabaseClusterEngine.auroraMysql(...) with Aurora MySQL version 3',
    }];
  }
  if (!full || Token.isUnresolved(full)) {
    return [{
      property,
      message: `${property} ${show(engine.engineType)} has no pinned engine version`,
      fix: 'pass an explicit version, e.g. DatabaseClusterEngine.auroraPostgres({ version: AuroraPostgresEngineVersion.VER_16_9 }), so every region runs the same one',
    }];
  }
  if (!global) return [];
  if (family === 'postgresql') {
    const major = parseInt(full, 10);
    const min = MIN_GLOBAL_POSTGRES[major];
    if (!min || compareVersions(full, min) < 0) {
      return [{
        property,
        message: `${property} aurora-postgresql ${full} does not support Aurora Global Database`,
        fix: `use Aurora PostgreSQL ${min ? `${min} or later` : `one of the supported majors (${Object.values(MIN_GLOBAL_POSTGRES).map((v) => `${v}+`).join(', ')})`}`,
      }];
    }
  } else {
    const aurora = full.split('mysql_aurora.')[1];
    if (!aurora || compareVersions(aurora, MIN_GLOBAL_MYSQL) < 0) {
      return [{
        property,
        message: `${property} aurora-mysql ${full} does not support Aurora Global Database`,
        fix: `use Aurora MySQL version ${MIN_GLOBAL_MYSQL} or later (AuroraMysqlEngineVersion.VER_3_08_2, for example)`,
      }];
    }
  }
  return [];
}

/**
 * Aurora Global Database needs memory-optimized instance classes (db.r*, db.x*)
 * or Aurora Serverless v2; burstable db.t* classes are not supported:
 * https://docs.aws.amazon.com/AmazonRDS/latest/AuroraUserGuide/aurora-global-database.configuration.requirements.html
 */
export function checkInstanceType(instanceType: ec2.InstanceType | 'serverless', global: boolean, property = 'instanceType'): ConfigProblem[] {
  if (!global || instanceType === 'serverless') return [];
  const name = instanceType.toString();
  const family = name.split('.')[0];
  if (!/^(r|x)\d/.test(family)) {
    return [{
      property,
      message: `${property} db.${name} is not a memory-optimized class, which Aurora Global Database requires`,
      fix: 'use a db.r* or db.x* class such as InstanceType.of(InstanceClass.R6G, InstanceSize.LARGE)',
    }];
  }
  return [];
}

/** Cluster parameter that makes the server refuse unencrypted connections. */
export function tlsParameters(family: EngineFamily): Record<string, string> {
  return family === 'postgresql'
    ? { 'rds.force_ssl': '1' }
    : { require_secure_transport: 'ON', server_audit_logging: '1', server_audit_events: 'CONNECT,QUERY_DCL,QUERY_DDL' };
}

/** CloudWatch log types Aurora exports for each family. */
export function logExports(family: EngineFamily): string[] {
  return family === 'postgresql' ? ['postgresql'] : ['audit', 'error', 'slowquery'];
}

/**
 * A valid DB identifier for RDS: starts with a letter, letters, digits and
 * hyphens, no trailing hyphen or double hyphen, at most 63 characters.
 */
export const DB_IDENTIFIER = /^[a-z](?!.*--)[a-z0-9-]{0,62}(?<!-)$/;

/**
 * An Aurora cluster holds at most 16 instances (1 writer + 15 readers), and
 * the primary of a global database at most 15 − s readers, s being the number
 * of secondary regions; adding the secondary fails otherwise:
 * https://docs.aws.amazon.com/AmazonRDS/latest/AuroraUserGuide/aurora-global-database.configuration.requirements.html
 */
export function checkPrimaryInstanceCount(instances: number, secondaryRegions: number): ConfigProblem[] {
  if (instances > 16) {
    return [{
      property: 'instances',
      message: `instances ${instances} is more than the 16 an Aurora cluster can hold (1 writer + 15 readers)`,
      fix: 'set instances to 16 or fewer',
    }];
  }
  // Beyond the secondary-region limit the topology check already refuses the list;
  // a reader count here would be negative ('set instances to -4').
  if (secondaryRegions > 0 && secondaryRegions <= AWS_PROFILE.maxReplicaRegions && instances - 1 + secondaryRegions > 15) {
    return [{
      property: 'instances',
      message: `instances ${instances} (${instances - 1} readers) with ${secondaryRegions} replica regions exceeds the 15 readers plus secondary regions an Aurora global database primary allows`,
      fix: `set instances to ${16 - secondaryRegions} or fewer, or list fewer replicaRegions`,
    }];
  }
  return [];
}
