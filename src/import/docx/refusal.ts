// Why a Word document is not read: 400 for what is not a well-formed Word document, 413 for
// what would cost more to read than any plan does. `statusCode` is what the HTTP error handler
// answers with; `reason` is the problem's detail.

export type RefusalStatus = 400 | 413

export class DocxRefusedError extends Error {
  readonly statusCode: RefusalStatus
  constructor(statusCode: RefusalStatus, readonly reason: string) {
    super(reason)
    this.name = 'DocxRefusedError'
    this.statusCode = statusCode
  }
}

export const tooLarge = (reason: string): DocxRefusedError => new DocxRefusedError(413, reason)
export const malformed = (reason: string): DocxRefusedError => new DocxRefusedError(400, reason)
