import { CloudwatchDashboard } from '@cdktf/provider-aws/lib/cloudwatch-dashboard';
import { Construct } from 'constructs';
import { AwsContext } from '../aws-context';
import type { Metric } from './metrics';

/** One graph: a title and the metrics drawn in it. */
export interface Graph {
  readonly title: string;
  readonly metrics: readonly Metric[];
}

/** A row of graphs under a heading. */
export interface DashboardSection {
  readonly heading: string;
  readonly graphs: readonly Graph[];
}

export interface DashboardProps {
  readonly name: string;
  readonly sections: readonly DashboardSection[];
}

/** CloudWatch's dashboard body format (the parts this project uses). */
interface MetricWidget {
  readonly type: 'metric';
  readonly x: number;
  readonly y: number;
  readonly width: number;
  readonly height: number;
  readonly properties: {
    readonly title: string;
    readonly region: string;
    readonly view: 'timeSeries';
    readonly stacked: false;
    readonly period: number;
    /** [namespace, metricName, dim1, value1, ..., { stat }] */
    readonly metrics: readonly (readonly (string | { readonly stat: string; readonly label?: string })[])[];
  };
}

interface TextWidget {
  readonly type: 'text';
  readonly x: number;
  readonly y: number;
  readonly width: number;
  readonly height: number;
  readonly properties: { readonly markdown: string };
}

export interface DashboardBody {
  readonly widgets: readonly (MetricWidget | TextWidget)[];
}

const GRID_WIDTH = 24;
const GRAPH_WIDTH = 8;
const GRAPH_HEIGHT = 6;

/** Lays the sections out: a heading line, then graphs three to a row. */
export function dashboardBody(region: string, sections: readonly DashboardSection[]): DashboardBody {
  const widgets: (MetricWidget | TextWidget)[] = [];
  let y = 0;
  for (const section of sections) {
    widgets.push({ type: 'text', x: 0, y, width: GRID_WIDTH, height: 1, properties: { markdown: `## ${section.heading}` } });
    y += 1;
    section.graphs.forEach((graph, i) => {
      const column = i % (GRID_WIDTH / GRAPH_WIDTH);
      if (i > 0 && column === 0) y += GRAPH_HEIGHT;
      widgets.push({
        type: 'metric',
        x: column * GRAPH_WIDTH,
        y,
        width: GRAPH_WIDTH,
        height: GRAPH_HEIGHT,
        properties: {
          title: graph.title,
          region,
          view: 'timeSeries',
          stacked: false,
          period: 60,
          metrics: graph.metrics.map((m) => [
            m.namespace,
            m.metricName,
            ...Object.entries(m.dimensions).flat(),
            { stat: m.statistic, label: m.metricName },
          ]),
        },
      });
    });
    if (section.graphs.length > 0) y += GRAPH_HEIGHT;
  }
  return { widgets };
}

/** A CloudWatch dashboard built from typed sections; its graphs show metrics of its stack's region (AwsContext). */
export class Dashboard extends Construct {
  readonly dashboard: CloudwatchDashboard;

  constructor(scope: Construct, id: string, props: DashboardProps) {
    super(scope, id);
    this.dashboard = new CloudwatchDashboard(this, 'dashboard', {
      dashboardName: props.name,
      dashboardBody: JSON.stringify(dashboardBody(AwsContext.of(this).region, props.sections)),
    });
  }
}
