import type { StoreName } from '@/lib/dashboard/api-types';

/**
 * Where operator actions (components/actions) render: beside each listed
 * record and under a record's details. The actions decide for themselves
 * whether the signed-in role may see them, so viewers get an empty slot.
 */
export function RowActions({ store, id }: { store: StoreName; id: string }) {
  void store;
  void id;
  return null;
}

export function RecordActions({ store, id }: { store: StoreName; id: string }) {
  void store;
  void id;
  return null;
}

export function ListActions({ store }: { store: StoreName }) {
  void store;
  return null;
}
