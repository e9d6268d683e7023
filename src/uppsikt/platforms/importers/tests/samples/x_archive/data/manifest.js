window.__THAR_CONFIG = {
  "userInfo": {
    "accountId": "1183746251",
    "userName": "MorbyansKommun",
    "displayName": "Mörbyåns kommun"
  },
  "archiveInfo": {
    "sizeBytes": "4096",
    "generationDate": "2024-06-01T12:00:00.000Z",
    "isPartialArchive": false
  }
}
