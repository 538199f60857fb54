/** Distinguishable under the common colour-vision deficiencies (Okabe–Ito), total first in near-black. */
export const SERIES_COLOURS = ['#222222', '#0072B2', '#E69F00', '#009E73', '#CC79A7', '#D55E00', '#56B4E9'];

export const STORE_COLOURS = { redis: '#D55E00', postgres: '#0072B2' } as const;
