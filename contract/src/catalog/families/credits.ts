/** AI credits (per-user reports since 2026-06-19). */
import { type MetricInfo, metric } from '../metric';

export const CREDITS: MetricInfo[] = [
  metric({
    id: 'ai_credits_used',
    title: 'AI credits used',
    family: 'Credits',
    description:
      'AI credits consumed, summed over users (per-user reports only; not an invoice amount; reported since 2026-06-19).',
    unit: 'short',
    from: ['usageDay'],
    measure: { sum: 'ai_credits_used' },
    userRowsOnly: true,
  }),
];
