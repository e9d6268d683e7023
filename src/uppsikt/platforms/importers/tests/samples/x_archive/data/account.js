window.YTD.account.part0 = [
  {
    "account": {
      "email": "info@morbyan.se",
      "createdVia": "web",
      "username": "MorbyansKommun",
      "accountId": "1183746251",
      "createdAt": "2012-03-01T09:00:00.000Z",
      "accountDisplayName": "Mörbyåns kommun"
    }
  }
]
