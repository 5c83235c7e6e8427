// The report page's colours and dash patterns, shared by its charts and legends.

import { LADDER_COLOURS } from './ladder-svg.ts';

export const COLOURS = {
  completed: LADDER_COLOURS.success,
  rejected: '#d08700',
  dropped: LADDER_COLOURS.failure,
  active: '#7a8190',
  inbound: '#1f5fbf',
  outbound: '#8e44ad',
  relayed: '#1c8a3c',
  local: '#c76b00',
  cpu: '#0f7c8c',
  limit: '#c62828',
  bar: '#4a6fa5',
  grid: '#e6e9ee',
  muted: '#6b7280',
} as const;

/** Dash patterns for the lines of one chart, in order ('' is solid). */
export const DASHES = ['', '7,4', '2,3', '10,3,2,3'] as const;
