/** GitHub sends averages, medians and token rates with at most two decimals. */
export const round2 = (value: number) => Math.round(value * 100) / 100;
