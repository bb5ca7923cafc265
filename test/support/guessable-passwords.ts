/**
 * Passwords 15+ characters long, on no breach list, and still guessable: sequences, a keyboard
 * walk, repeated words with padding. The password-strength rule must refuse each of them.
 */
export const GUESSABLE_PASSWORDS: readonly string[] = [
  'abcdefghijklmno',
  '123456789012345',
  'qwertyuiopasdfghjkl',
  'dragondragondragon1',
  'monkeymonkey123',
  'iloveyouiloveyou!',
];
