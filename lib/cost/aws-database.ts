/**
 * Aurora on AWS, from the CloudFormation template: instances by class and
 * Region (Serverless v2 at its minimum ACU, marked as a floor), storage and
 * I/O by storage type (Aurora Standard vs I/O-Optimized, `aurora-iopt1`),
 * backup storage beyond the free amount, and for a Global Database secondary
 * the replicated write I/O and the cross-Region transfer.
 *
 * Billing components: https://docs.aws.amazon.com/AmazonRDS/latest/AuroraUserGuide/User_DBInstanceBilling.html
 * ("Backup storage … Increasing your backup retention period … increases the
 * backup storage"; the free amount is the cluster volume size).
 */
import { Pricer, PricerContext, PricerSet, refOf } from './pricing';

const STANDARD = 'Aurora Standard';
const IO_OPTIMIZED = 'Aurora I/O-Optimized';

function storageTypeOf(cluster: Record<string, unknown> | undefined): string {
  return cluster?.StorageType === 'aurora-iopt1' ? IO_OPTIMIZED : STANDARD;
}

/** A cluster that joins a global database as a secondary: it has the global id but no credentials of its own. */
function isSecondary(cluster: Record<string, unknown>): boolean {
  return cluster.GlobalClusterIdentifier !== undefined && cluster.MasterUsername === undefined && cluster.ManageMasterUserPassword === undefined;
}

const dbInstance: Pricer = (ctx) => {
  const p = ctx.resource.props;
  const engine = String(p.Engine ?? '');
  const cls = String(p.DBInstanceClass ?? '');
  const clusterId = refOf(p.DBClusterIdentifier);
  const cluster = clusterId ? ctx.find(clusterId)?.props : undefined;
  if (!engine.startsWith('aurora') && !cluster) {
    ctx.notPriced('unknown', `RDS (non-Aurora) instance class ${cls || '(none)'}: only Aurora is in the price table`);
    return;
  }
  const hours = ctx.hoursPerMonth;
  if (cls === 'db.serverless') {
    const min = Number((cluster?.ServerlessV2ScalingConfiguration as { MinCapacity?: number } | undefined)?.MinCapacity ?? 0.5);
    ctx.charge({
      key: 'aurora.serverlessV2.acu', item: 'Aurora Serverless v2 (minimum ACU, floor)', quantity: min * hours, floor: true,
      factor: storageTypeOf(cluster) === IO_OPTIMIZED ? ctx.factor('aurora.instance.ioOptimizedFactor') : undefined,
      note: `${min} ACU × ${hours} h: the floor; capacity above the minimum costs more`,
    });
    return;
  }
  const ioOpt = storageTypeOf(cluster) === IO_OPTIMIZED;
  ctx.charge({
    key: `aurora.instance.${cls}`, item: `Aurora instance ${cls}${ioOpt ? ' (I/O-Optimized)' : ''}`, quantity: hours,
    factor: ioOpt ? ctx.factor('aurora.instance.ioOptimizedFactor') : undefined,
    missing: `Aurora instance class ${cls} is not in the price table for ${ctx.region}`,
  });
};

const dbCluster: Pricer = (ctx) => {
  const p = ctx.resource.props;
  if (!String(p.Engine ?? '').startsWith('aurora')) {
    ctx.notPriced('unknown', `RDS Multi-AZ DB cluster (engine ${String(p.Engine ?? '?')}): only Aurora is in the price table`);
    return;
  }
  const stack = ctx.stack.name;
  const storage = ctx.usage.num('database.storageGb', stack);
  const writes = ctx.usage.num('database.writeIoPerSecond', stack);
  const reads = ctx.usage.num('database.readIoPerSecond', stack);
  const changed = ctx.usage.num('database.changedGbPerMonth', stack);
  const seconds = ctx.hoursPerMonth * 3600;
  const ioOpt = storageTypeOf(p) === IO_OPTIMIZED;
  const secondary = isSecondary(p);
  const hasInstances = ctx.stack.resources.some((r) => r.type === 'AWS::RDS::DBInstance' && refOf(r.props.DBClusterIdentifier) === ctx.resource.id);

  ctx.charge({
    key: ioOpt ? 'aurora.storage.ioOptimized' : 'aurora.storage.standard', item: `Aurora storage (${ioOpt ? IO_OPTIMIZED : STANDARD})`,
    quantity: storage.value, assumed: [storage.assumed],
  });
  if (!ioOpt) {
    const perSecond = (secondary ? 0 : writes.value) + (hasInstances ? reads.value : 0);
    if (perSecond > 0) {
      ctx.charge({
        key: 'aurora.io.standard', item: 'Aurora I/O (Aurora Standard)', quantity: (perSecond * seconds) / 1e6,
        assumed: [secondary ? undefined : writes.assumed, hasInstances ? reads.assumed : undefined],
        note: `${secondary ? '' : `${writes.value} writes + `}${hasInstances ? reads.value : 0} reads per second × ${seconds} s`,
      });
    }
  }
  const retention = Number(p.BackupRetentionPeriod ?? 1);
  ctx.charge({
    key: 'aurora.backup', item: 'Aurora backup storage beyond the free amount', quantity: (changed.value / 30) * retention,
    assumed: [changed.assumed],
    note: `${retention} days of changes (${changed.value} GB a month); the free amount is the cluster volume`,
  });
  if (secondary) replication(ctx, writes, changed, seconds, ioOpt);
};

/** What a Global Database secondary adds: replicated write I/O and the bytes sent to its Region. */
function replication(ctx: PricerContext, writes: { value: number; assumed?: string }, changed: { value: number; assumed?: string }, seconds: number, ioOpt: boolean): void {
  if (!ioOpt) {
    ctx.charge({
      key: 'aurora.global.replicatedWriteIo', item: 'Aurora Global Database replicated write I/O', quantity: (writes.value * seconds) / 1e6,
      assumed: [writes.assumed], note: `${writes.value} writes per second on the primary, replicated to this Region`,
    });
  }
  ctx.charge({
    key: 'dataTransfer.interRegion', item: 'Aurora Global Database cross-Region transfer', quantity: changed.value,
    assumed: [changed.assumed], note: 'GB written on the primary and sent to this Region',
  });
}

/** Aurora pricers and the RDS types that cost nothing by themselves. */
export const AWS_DATABASE: PricerSet = {
  priced: {
    'AWS::RDS::DBInstance': dbInstance,
    'AWS::RDS::DBCluster': dbCluster,
  },
  explained: {
    'AWS::RDS::GlobalCluster': { reason: 'free', detail: 'no charge of its own; replication is priced on each secondary cluster' },
    'AWS::RDS::DBSubnetGroup': { reason: 'free', detail: 'configuration only' },
    'AWS::RDS::DBClusterParameterGroup': { reason: 'free', detail: 'configuration only' },
    'AWS::RDS::DBParameterGroup': { reason: 'free', detail: 'configuration only' },
  },
};
