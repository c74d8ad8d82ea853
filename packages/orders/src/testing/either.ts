import * as E from 'fp-ts/Either';

/** Unwraps a Right in tests; a Left here is a broken test, so it throws with the reason. */
export const must = <A>(either: E.Either<{ message: string }, A>): A => {
  if (E.isLeft(either)) throw new Error(either.left.message);
  return either.right;
};
