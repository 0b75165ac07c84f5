/**
 * Phase 4 on Google Cloud: reads from every region (geo-routed read
 * hostname, nearest healthy region), writes to one primary (failover policy).
 * Same stacks as phase 3; the router also publishes the read record.
 */
import { App } from 'cdktf';
import { GcpExampleConfig } from './config';
import { buildActivePassive, GcpActivePassive } from './phase-3';

export function buildGcpPhase4(app: App, config: GcpExampleConfig): GcpActivePassive {
  return buildActivePassive(app, config, 4);
}
