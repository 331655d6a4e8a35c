/**
 * The server's own API, described for integrators (`GET /docs/openapi.json`). Kept next to the
 * routes it describes; a test checks every route the server answers is in it.
 */
import { GENERIC_EVENT_TYPES } from './webhook-event.js';

const error = { type: 'object', required: ['message'], properties: { message: { type: 'string' } } };
const admin = [{ adminToken: [] }];
const runId = { name: 'id', in: 'path', required: true, schema: { type: 'string' } };
const json = (schema: unknown) => ({ 'application/json': { schema } });

export const OPENAPI_DOCUMENT = {
  openapi: '3.1.0',
  info: {
    title: 'pms-sync',
    version: '0.1.0',
    description: 'PMS webhooks, the ops API, health and metrics of a pms-sync installation.',
  },
  components: {
    securitySchemes: { adminToken: { type: 'http', scheme: 'bearer', description: 'ADMIN_TOKEN' } },
    schemas: {
      Error: error,
      GenericEvent: {
        type: 'object',
        required: ['type'],
        properties: {
          type: { type: 'string', enum: [...GENERIC_EVENT_TYPES] },
          data: {
            type: 'object',
            properties: {
              integration_id: { type: 'string' },
              property: { type: 'string' },
              unit: { type: 'string' },
              person_id: { type: 'string' },
              lease_id: { type: 'string' },
            },
          },
        },
      },
    },
  },
  paths: {
    '/webhooks/{feed}': {
      post: {
        summary: 'A PMS event: queues a sync of the building it names, or of the whole feed',
        description:
          "Signed per the feed's `webhooks.scheme` (Standard Webhooks by default: webhook-id, webhook-timestamp, webhook-signature). A delivery id is processed once within 72 h.",
        parameters: [{ name: 'feed', in: 'path', required: true, schema: { type: 'string' } }],
        requestBody: { required: true, content: json({ $ref: '#/components/schemas/GenericEvent' }) },
        responses: {
          202: {
            description: 'Queued',
            content: json({ type: 'object', properties: { run_id: { type: 'string' } } }),
          },
          200: { description: 'A repeat of a delivery already processed; nothing queued' },
          400: { description: 'Not JSON', content: json(error) },
          401: { description: 'Bad signature, or a stale or future timestamp', content: json(error) },
          404: { description: 'No such feed, or it takes no webhooks', content: json(error) },
          413: { description: 'Body too large', content: json(error) },
          422: { description: 'Unknown event type', content: json(error) },
          503: { description: 'Redis unavailable: deliver again later', content: json(error) },
        },
      },
    },
    '/api/feeds/{feed}/sync': {
      post: {
        summary: 'Queue a sync of a feed, or of one of its buildings',
        security: admin,
        parameters: [{ name: 'feed', in: 'path', required: true, schema: { type: 'string' } }],
        requestBody: {
          content: json({
            type: 'object',
            additionalProperties: false,
            properties: {
              building: { type: 'string' },
              dry_run: { type: 'boolean' },
              actor: { type: 'string' },
            },
          }),
        },
        responses: {
          202: { description: 'Queued' },
          401: { description: 'No or wrong admin token' },
          404: { description: 'No such feed' },
          422: { description: 'Building not covered' },
        },
      },
    },
    '/api/runs': {
      get: {
        summary: 'Runs, newest first',
        security: admin,
        parameters: [
          { name: 'feed', in: 'query', schema: { type: 'string' } },
          { name: 'limit', in: 'query', schema: { type: 'integer', minimum: 1, maximum: 1000 } },
        ],
        responses: { 200: { description: 'Runs' }, 401: { description: 'No or wrong admin token' } },
      },
    },
    '/api/invitations': {
      get: {
        summary: 'Invitations sent for the feeds: resident, units, status, sends, last sent, expiry',
        security: admin,
        parameters: [
          { name: 'feed', in: 'query', schema: { type: 'string' } },
          { name: 'building', in: 'query', schema: { type: 'string' } },
          {
            name: 'status',
            in: 'query',
            schema: { type: 'string', enum: ['pending', 'accepted', 'expired', 'cancelled'] },
          },
        ],
        responses: { 200: { description: 'Invitations' }, 401: { description: 'No or wrong admin token' } },
      },
    },
    '/api/runs/{id}': {
      get: {
        summary: 'A run with its plan and results',
        security: admin,
        parameters: [runId],
        responses: { 200: { description: 'The run' }, 404: { description: 'No such run' } },
      },
    },
    '/api/runs/{id}/approve': {
      post: {
        summary: "Apply a held run's plan exactly as planned (refused if OpenApp changed since)",
        security: admin,
        parameters: [runId],
        responses: {
          202: { description: 'Queued' },
          404: { description: 'No such run' },
          409: { description: 'Not held' },
        },
      },
    },
    '/api/runs/{id}/reject': {
      post: {
        summary: "Drop a held run's held part",
        security: admin,
        parameters: [runId],
        responses: { 200: { description: 'Rejected' }, 409: { description: 'Not held' } },
      },
    },
    '/healthz': { get: { summary: 'The process answers', responses: { 200: { description: 'ok' } } } },
    '/readyz': {
      get: {
        summary: 'Redis and OpenApp reachable',
        responses: { 200: { description: 'ready' }, 503: { description: 'not ready' } },
      },
    },
    '/metrics': {
      get: { summary: 'Prometheus metrics', responses: { 200: { description: 'text exposition format' } } },
    },
    '/docs/openapi.json': {
      get: { summary: 'This document', responses: { 200: { description: 'OpenAPI 3.1' } } },
    },
  },
} as const;
