/**
 * Okabe–Ito hues (distinguishable under the common colour-vision deficiencies),
 * darkened on light and lightened on dark backgrounds so every line and bar has
 * at least 3:1 contrast with the panel (WCAG 1.4.11). The total comes first, in
 * the text colour. Legend text itself is drawn in the text colour, not these.
 */
export const SERIES_COLOURS = {
  light: ['#222222', '#0072B2', '#B36B00', '#007A5A', '#A8507F', '#C24E00', '#2E6FA8'],
  dark: ['#E6EBF1', '#56B4E9', '#E69F00', '#33C59A', '#E08DBF', '#FF8A4C', '#9CC9F0'],
} as const;

export const STORE_COLOURS = {
  light: { redis: '#C24E00', postgres: '#0072B2' },
  dark: { redis: '#FF8A4C', postgres: '#56B4E9' },
} as const;
