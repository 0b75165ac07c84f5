import { Template } from 'aws-cdk-lib/assertions';

/** A CloudFormation value rendered as text: strings as they are, intrinsics as `<Ref X>` / `<GetAtt X.Y>`. */
export function flat(value: unknown): string {
  if (typeof value === 'string') return value;
  if (value && typeof value === 'object') {
    const o = value as Record<string, unknown>;
    if ('Fn::Join' in o) {
      const [sep, parts] = o['Fn::Join'] as [string, unknown[]];
      return parts.map(flat).join(sep);
    }
    if ('Ref' in o) return `<Ref ${String(o.Ref)}>`;
    if ('Fn::GetAtt' in o) return `<GetAtt ${(o['Fn::GetAtt'] as string[]).join('.')}>`;
  }
  return JSON.stringify(value);
}

export interface DashboardWidget {
  readonly type: string;
  readonly properties: {
    readonly title?: string;
    readonly markdown?: string;
    readonly metrics?: unknown[][];
    readonly annotations?: { readonly horizontal?: { readonly value: number; readonly label?: string }[] };
  };
}

/** The widgets of every dashboard of a template, by dashboard name. */
export function dashboards(t: Template): Record<string, DashboardWidget[]> {
  const out: Record<string, DashboardWidget[]> = {};
  for (const [id, r] of Object.entries(t.findResources('AWS::CloudWatch::Dashboard'))) {
    const p = (r as { Properties: { DashboardName?: string; DashboardBody: unknown } }).Properties;
    out[p.DashboardName ?? id] = (JSON.parse(flat(p.DashboardBody)) as { widgets: DashboardWidget[] }).widgets;
  }
  return out;
}

/** `namespace metric dim=value… @region` of every metric row of a widget. */
export function metricsOf(w: DashboardWidget): string[] {
  return (w.properties.metrics ?? []).map((row) => {
    const opts = row[row.length - 1] as { region?: string };
    const names = row.slice(0, -1) as string[];
    const dims: string[] = [];
    for (let i = 2; i < names.length; i += 2) dims.push(`${names[i]}=${names[i + 1]}`);
    return `${names[0]} ${names[1]} ${dims.join(' ')} @${opts.region}`;
  });
}

/** Every alarm (metric or composite) of a template with its actions and description, rendered flat. */
export function alarmsOf(t: Template): { id: string; type: string; name?: string; actions: string[]; description: string; rule?: string }[] {
  return ['AWS::CloudWatch::Alarm', 'AWS::CloudWatch::CompositeAlarm'].flatMap((type) =>
    Object.entries(t.findResources(type)).map(([id, r]) => {
      const p = (r as { Properties: Record<string, unknown> }).Properties;
      return {
        id,
        type,
        name: (p.AlarmName as string | undefined),
        actions: ((p.AlarmActions as unknown[] | undefined) ?? []).map(flat),
        description: flat(p.AlarmDescription ?? ''),
        rule: p.AlarmRule === undefined ? undefined : flat(p.AlarmRule),
      };
    }));
}
