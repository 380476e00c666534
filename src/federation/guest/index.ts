// Public surface of the originating (guest) side of federation: kinds, controllers and the callback routes.
import type { FastifyInstance } from 'fastify';
import type { ControllerFactory } from '../../runtime/index.js';
import type { Store } from '../../store/index.js';
import { PartnerTokens } from '../host/oauth.js';
import { callbackRoutes, type CallbackOptions } from './callbacks.js';
import { GuestContext, type GuestOptions } from './context.js';
import { federationController } from './federation-controller.js';
import { instanceController } from './instances.js';
import { outboxController } from './outbox.js';

export * from './kinds.js';
export { EwbiClient, EwbiError, type EwbiExchange } from './client.js';
export { GuestContext, callbackIdOf, type GuestOptions } from './context.js';
export { federationController } from './federation-controller.js';
export { instanceController, IDS_ANNOTATION } from './instances.js';
export { outboxController, operationName } from './outbox.js';
export { callbackRoutes, type CallbackOptions } from './callbacks.js';
export { zoneSiteName } from './zones.js';

/** Everything the guest side adds to a control plane: three controllers and the callback routes. */
export function federationGuest(
  store: Store,
  opts: GuestOptions & Partial<CallbackOptions>,
): { context: GuestContext; controllers: ControllerFactory[]; plugin: (app: FastifyInstance) => void } {
  const context = new GuestContext(store, opts);
  return {
    context,
    controllers: [federationController(context), outboxController(context), instanceController(context)],
    plugin: callbackRoutes(context, { tokens: opts.tokens ?? new PartnerTokens(store) }),
  };
}
