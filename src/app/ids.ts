import { createHash, randomUUID } from 'node:crypto'

export { derivedId } from '../shared/derivedId.js'

export const newId = (): string => randomUUID()

export function sha256Hex(text: string | Buffer): string {
  return createHash('sha256').update(text).digest('hex')
}
