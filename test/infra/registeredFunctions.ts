// The scanner moved to tools/api (the OpenAPI generator uses it too); tests keep importing it from here.
export { registeredFunctions, scanRegistrations, type RegisteredFunction } from '../../tools/api/registeredFunctions';
