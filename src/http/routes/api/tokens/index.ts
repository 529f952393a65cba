// Minting and revoking bearer tokens (admins only).
import type { FastifyInstance } from 'fastify'
import type { ZodTypeProvider } from 'fastify-type-provider-zod'
import type { GridLedger } from '../../../../app/gridledger.js'
import { CreateToken, IssuedToken, NoContent, TokenParams } from '../../../schemas.js'
import { ADMINS } from '../../roles.js'

export default async function tokenRoutes(fastify: FastifyInstance, { ledger }: { ledger: GridLedger }): Promise<void> {
  const app = fastify.withTypeProvider<ZodTypeProvider>()

  app.post('/v1/tokens', {
    config: { roles: ADMINS, cache: 'no-store' },
    schema: { tags: ['tokens'], operationId: 'createToken', summary: 'Mint a token (shown once)', body: CreateToken, response: { 201: IssuedToken } },
  }, async (request, reply) => {
    const issued = await ledger.tokens.create(request.body, request.principal!)
    return reply.code(201).send(issued)
  })

  app.delete('/v1/tokens/:tokenId', {
    config: { roles: ADMINS, cache: 'no-store' },
    schema: { tags: ['tokens'], operationId: 'revokeToken', summary: 'Revoke a token, at once', params: TokenParams, response: { 204: NoContent } },
  }, async (request, reply) => {
    await ledger.tokens.revoke(request.params.tokenId, request.principal!)
    return reply.code(204).send(null)
  })
}
