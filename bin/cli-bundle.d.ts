/** The built entry's path when the build in `distDir` is fresh, else undefined (missing, partial or stale). */
export function freshCliBundle(distDir?: string, root?: string): string | undefined;
