import { MethodNotAllowedError } from '../errors';

/** What an action route answers to GET: actions are POST only, and a GET never changes anything. */
export function postOnly(): never {
  throw new MethodNotAllowedError('GET', ['POST']);
}
