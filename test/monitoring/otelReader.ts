import { MetricReader } from '@opentelemetry/sdk-metrics';

/** A pull reader that keeps nothing: `collect()` observes the instruments now (the in-memory reader of the tests). */
export class InMemoryReader extends MetricReader {
  protected override async onForceFlush(): Promise<void> {}
  protected override async onShutdown(): Promise<void> {}

  /** Every data point exported now: name, unit, attributes, value. */
  async points(): Promise<{ name: string; unit: string; attributes: Record<string, unknown>; value: number }[]> {
    const { resourceMetrics } = await this.collect();
    return resourceMetrics.scopeMetrics.flatMap((scope) =>
      scope.metrics.flatMap((metric) =>
        metric.dataPoints.map((p) => ({ name: metric.descriptor.name, unit: metric.descriptor.unit, attributes: { ...p.attributes }, value: p.value as number })),
      ),
    );
  }
}
