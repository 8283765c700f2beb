/** Keys of the attack suite's host and API principals (what an attacker does not have, unless a test says so). */
export const securityKeys = {
  function: 'security-function-key-0123456789abcdef',
  master: 'security-master-key-0123456789abcdef',
  admin: 'security-admin-api-key-0123456789abcdef',
  operator: 'security-operator-api-key-0123456789abcdef',
  reader: 'security-reader-api-key-0123456789abcdef',
};
