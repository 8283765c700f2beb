// The Entra app registration callers get tokens for, with the manager's roles as app roles. Deployed only when
// no existing app is given (main.bicep entraApiClientId). Needs permission to create app registrations.
extension microsoftGraphV1

@description('Stable unique name of the app registration (re-deploys update the same one).')
param uniqueName string

@description('Display name of the app registration.')
param displayName string

@description('Redirect URIs of the console\'s "Sign in with Microsoft" (single-page app, code flow with PKCE): its signed-in.html behind API Management.')
param spaRedirectUris array

// Role values are the manager's roles (shared/platform/auth/Principal.ts), weakest first; APIM forwards them in x-rcm-roles.
var appRoles = [
  { value: 'reader', displayName: 'Reader', description: 'Read clusters, health, metrics, analysis and the audit log.' }
  { value: 'operator', displayName: 'Operator', description: 'Reader, plus invalidate, warm and run jobs.' }
  { value: 'admin', displayName: 'Admin', description: 'Operator, plus register clusters and change eviction policies.' }
]

resource app 'Microsoft.Graph/applications@v1.0' = {
  uniqueName: uniqueName
  displayName: displayName
  signInAudience: 'AzureADMyOrg'
  api: {
    requestedAccessTokenVersion: 2
  }
  // The console signs users in as this app and asks a token for it ('<appId>/.default'): a public client, no secret.
  spa: {
    redirectUris: spaRedirectUris
  }
  appRoles: [
    for role in appRoles: {
      id: guid(uniqueName, role.value)
      value: role.value
      displayName: role.displayName
      description: role.description
      allowedMemberTypes: ['User', 'Application']
      isEnabled: true
    }
  ]
  owners: {
    relationships: [deployer().objectId]
  }
}

// Tokens are requested for '<appId>/.default' (no identifier URI, so no tenant URI policy applies).
// The service principal makes the app assignable (users, groups, managed identities get roles on it).
resource servicePrincipal 'Microsoft.Graph/servicePrincipals@v1.0' = {
  appId: app.appId
  appRoleAssignmentRequired: true
  owners: {
    relationships: [deployer().objectId]
  }
}

@description('Application (client) id: the audience of v2 access tokens.')
output appId string = app.appId
