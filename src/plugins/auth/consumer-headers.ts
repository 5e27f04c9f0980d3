import type { Pdk } from '../../pdk/kong.js';
import type { Consumer } from '../../schema/index.js';

/** Kong's constants.HEADERS for an authenticated (or anonymous) consumer. */
export const CONSUMER_ID = 'X-Consumer-ID';
export const CONSUMER_CUSTOM_ID = 'X-Consumer-Custom-ID';
export const CONSUMER_USERNAME = 'X-Consumer-Username';
export const CREDENTIAL_IDENTIFIER = 'X-Credential-Identifier';
export const ANONYMOUS = 'X-Anonymous-Consumer';
export const CONSUMER_GROUPS = 'X-Consumer-Groups';
export const AUTHENTICATED_GROUPS = 'X-Authenticated-Groups';

/**
 * Records who the request is (kong.client.authenticate) and tells the upstream with Kong's headers: each
 * header is set when the value exists and cleared otherwise, so a client cannot forge them. `identifier` is
 * what the plugin names the credential by (key-auth: its id; basic-auth and hmac-auth: the username; jwt:
 * the key); a null credential means the anonymous consumer.
 */
export function setConsumer(
  kong: Pdk,
  consumer: Consumer,
  credential: { readonly id: string } | null,
  identifier: string | null,
): void {
  kong.client.authenticate(consumer, credential);
  // A route without a service has no upstream request to decorate (it can only end in a plugin's answer).
  if (kong.router.get_service() === null) return;
  const req = kong.service.request;
  req.set_header(CONSUMER_ID, consumer.id);
  if (consumer.custom_id !== null) req.set_header(CONSUMER_CUSTOM_ID, consumer.custom_id);
  else req.clear_header(CONSUMER_CUSTOM_ID);
  if (consumer.username !== null) req.set_header(CONSUMER_USERNAME, consumer.username);
  else req.clear_header(CONSUMER_USERNAME);
  if (identifier !== null) req.set_header(CREDENTIAL_IDENTIFIER, identifier);
  else req.clear_header(CREDENTIAL_IDENTIFIER);
  if (credential !== null) req.clear_header(ANONYMOUS);
  else req.set_header(ANONYMOUS, 'true');
}

/** Removes a credential-carrying header from the upstream request (hide_credentials). */
export function hideHeader(kong: Pdk, name: string): void {
  if (kong.router.get_service() !== null) kong.service.request.clear_header(name);
}
