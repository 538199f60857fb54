import { maskJson } from '../records/mask';
import type { RecordState } from '../records/states';
import type { TimeWindow } from '../records/time-window';
import type { KeySearch } from '../records/glob';
import type { MessageDetail, MessageItem, MessagesPage } from '../contract/read';
import { decodeCursor, encodeCursor, messagesCursorSchema } from './cursor';
import type { DashboardDeps } from './deps';
import { InvalidParameterError, NotFoundError } from '../errors';
import { payloadMismatch } from './records-view';
import { rowClock } from '../stores/postgres/rules';
import { classifyMessageRow, type MessageRow, type RowSort } from '../stores/postgres/messages';

export interface MessagesQuery {
  /** `schema.table`; default the first watched table. */
  table?: string;
  state?: RecordState;
  consumer?: string;
  between?: TimeWindow;
  /** Rows whose key starts with or holds the text: a uuid prefix is a primary-key range, anything else is checked on the bounded walk. */
  search?: KeySearch;
  sort?: RowSort;
  cursor?: string;
  limit: number;
}

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

export function isUuid(value: string): boolean {
  return UUID.test(value);
}

function toItem(deps: DashboardDeps, row: MessageRow, nowMs: number): MessageItem {
  const { state, ageSeconds } = classifyMessageRow(row, nowMs, deps.config);
  return {
    table: row.table,
    messageId: row.messageId,
    state,
    status: row.status,
    consumer: row.consumer,
    ageSeconds,
    processedAt: row.processedAt.toISOString(),
    claimedAt: row.claimedAt.toISOString(),
    lastSeenAt: row.lastSeenAt.toISOString(),
    leaseExpiresAt: row.leaseExpiresAt?.toISOString() ?? null,
    expiresAt: row.expiresAt?.toISOString() ?? null,
    owner: row.ownerToken,
    deliveryCount: row.deliveryCount,
  };
}

/** A keyset page of processed_messages in one state (see listRows for the bounded window). */
export async function listMessages(deps: DashboardDeps, q: MessagesQuery): Promise<MessagesPage> {
  // A cursor belongs to one state and one order: the keyset compares in that order.
  const listing = `${q.state ?? 'all'}${q.sort ? `/${q.sort}` : ''}`;
  const after = q.cursor ? decodeCursor(q.cursor, messagesCursorSchema) : null;
  if (after && after.s !== listing) throw new InvalidParameterError('cursor', 'belongs to a listing of another state');
  const nowMs = deps.now();
  const page = await deps.postgres.list({
    table: q.table,
    state: q.state,
    consumer: q.consumer,
    between: q.between,
    search: q.search,
    sort: q.sort,
    after: after ? { at: after.at, id: after.id } : null,
    limit: q.limit,
    window: deps.config.rowsExaminedPerRequest,
    clock: rowClock(nowMs, deps.config.stuckAfterSeconds, deps.config.retentionHours),
  });
  return {
    items: page.rows.map((row) => toItem(deps, row, nowMs)),
    nextCursor: page.next ? encodeCursor({ s: listing, at: page.next.at, id: page.next.id }) : null,
    examined: page.examined,
  };
}

export interface MessageDetailQuery {
  fingerprint?: string;
  table?: string;
}

export async function getMessageDetail(deps: DashboardDeps, messageId: string, q: MessageDetailQuery = {}): Promise<MessageDetail | null> {
  if (!isUuid(messageId) && !/^\d{1,18}$/.test(messageId)) throw new InvalidParameterError('message_id', 'must be a uuid (or the integer id of a stripe-keys table)');
  const row = await deps.postgres.get(messageId, q.table);
  if (!row) return null;
  const masked = maskJson(row.result, deps.config.maskFields);
  return {
    ...toItem(deps, row, deps.now()),
    result: masked.value,
    maskedPaths: masked.maskedPaths,
    attempts: row.deliveryCount,
    duplicates: Math.max(0, row.deliveryCount - 1),
    fingerprint: row.fingerprint,
    payloadMismatch: payloadMismatch(row.fingerprint, q.fingerprint),
  };
}

export async function requireMessageDetail(deps: DashboardDeps, messageId: string, q: MessageDetailQuery = {}): Promise<MessageDetail> {
  const detail = await getMessageDetail(deps, messageId, q);
  if (!detail) throw new NotFoundError('message', messageId);
  return detail;
}
