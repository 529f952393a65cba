// Reading is linear, part 3 of 3 of the pathological shapes (see shapes.ts).
import t from 'tap'
import { checkShapes } from './shapes.js'

t.test('reading is linear: n vs 4n for each pathological shape', t => checkShapes(t, 3, 3))
