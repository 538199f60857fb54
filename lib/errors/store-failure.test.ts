import { describe, expect, it } from 'vitest';
import { StoreUnavailableError } from './store';
import { isLockTimeout, postgresUnavailableReason } from './store-failure';

// The shape Prisma's driver adapter gives a Postgres error (meta.driverAdapterError.cause).
const prismaError = (code: string, message: string) =>
  Object.assign(new Error('Raw query failed. Code: `' + code + '`'), {
    meta: { driverAdapterError: { cause: { originalCode: code, originalMessage: message, kind: 'postgres', code } } },
  });

describe('postgresUnavailableReason', () => {
  it('says in plain words why the store cannot serve now', () => {
    expect(postgresUnavailableReason(prismaError('55P03', 'canceling statement due to lock timeout'))).toBe('a table is locked (waited longer than the lock timeout)');
    expect(postgresUnavailableReason(prismaError('57014', 'canceling statement due to statement timeout'))).toBe('no answer within the statement timeout');
    expect(postgresUnavailableReason(prismaError('08006', 'connection failure'))).toBe('the connection failed');
    expect(postgresUnavailableReason(new Error('timeout exceeded when trying to connect'))).toBe('no free connection in the pool within the acquire timeout');
    expect(postgresUnavailableReason(new Error('Query read timeout'))).toBe('no answer within the statement timeout');
  });

  it('leaves a failure of the query itself alone', () => {
    expect(postgresUnavailableReason(prismaError('23505', 'duplicate key'))).toBeNull();
    expect(postgresUnavailableReason(prismaError('42601', 'syntax error'))).toBeNull();
    expect(postgresUnavailableReason(new Error('something else'))).toBeNull();
  });

  it('tells a lock timeout apart', () => {
    expect(isLockTimeout(prismaError('55P03', 'lock timeout'))).toBe(true);
    expect(isLockTimeout(prismaError('57014', 'statement timeout'))).toBe(false);
  });
});

describe('StoreUnavailableError', () => {
  it('never repeats its prefix', () => {
    const inner = new StoreUnavailableError('redis', 'no answer within 2000 ms');
    expect(new StoreUnavailableError('redis', inner.message).message).toBe('Redis is unavailable: no answer within 2000 ms');
    expect(new StoreUnavailableError('redis', inner.message).reason).toBe('no answer within 2000 ms');
  });
});
