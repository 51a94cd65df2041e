/** The few jStat distribution functions the statistics engine uses (jstat ships no types). */
declare module 'jstat' {
  interface ContinuousDistribution2 {
    cdf(x: number, a: number, b: number): number;
    inv(p: number, a: number, b: number): number;
  }
  interface ContinuousDistribution1 {
    cdf(x: number, dof: number): number;
    inv(p: number, dof: number): number;
  }
  interface JStat {
    normal: ContinuousDistribution2;
    studentt: ContinuousDistribution1;
    chisquare: ContinuousDistribution1;
  }
  /** CommonJS module.exports; imported as the default export under Node's ESM loader. */
  const jstat: { jStat: JStat };
  export default jstat;
}
