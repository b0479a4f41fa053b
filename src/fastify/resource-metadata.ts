import type { FastifyPluginCallback } from 'fastify';
import type { ResourceMetadata } from '../core/resource/metadata.js';

/** A plugin registering the RFC 9728 document's route (GET, and HEAD by Fastify) at its well-known path. */
export function metadataPlugin(metadata: ResourceMetadata): FastifyPluginCallback {
  return (instance, _options, done) => {
    instance.get(metadata.path, (_request, reply) => {
      const answer = metadata.answer();
      void reply.code(answer.status).headers(answer.headers).send(answer.body);
    });
    done();
  };
}
