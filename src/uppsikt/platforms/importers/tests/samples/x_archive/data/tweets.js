window.YTD.tweets.part0 = [
  {
    "tweet": {
      "edit_info": {
        "initial": {
          "editTweetIds": [
            "1785612345678901234"
          ],
          "editableUntil": "2024-05-01T09:00:00.000Z",
          "editsRemaining": "5",
          "isEditEligible": true
        }
      },
      "retweeted": false,
      "source": "<a href=\"https://mobile.twitter.com\" rel=\"nofollow\">Twitter Web App</a>",
      "entities": {
        "hashtags": [],
        "symbols": [],
        "user_mentions": [],
        "urls": []
      },
      "display_text_range": [
        "0",
        "59"
      ],
      "favorite_count": "3",
      "id_str": "1785612345678901234",
      "truncated": false,
      "retweet_count": "1",
      "id": "1785612345678901234",
      "created_at": "Wed May 01 08:00:00 +0000 2024",
      "favorited": false,
      "full_text": "Snöröjningen &amp; sandningen pågår i hela Mörbyån i dag ❄️",
      "lang": "sv"
    }
  },
  {
    "tweet": {
      "edit_info": {
        "initial": {
          "editTweetIds": [
            "1785612345678901299"
          ],
          "editableUntil": "2024-05-01T09:00:00.000Z",
          "editsRemaining": "5",
          "isEditEligible": true
        }
      },
      "retweeted": false,
      "source": "<a href=\"https://mobile.twitter.com\" rel=\"nofollow\">Twitter Web App</a>",
      "entities": {
        "hashtags": [],
        "symbols": [],
        "user_mentions": [],
        "urls": []
      },
      "display_text_range": [
        "0",
        "56"
      ],
      "favorite_count": "3",
      "id_str": "1785612345678901299",
      "truncated": false,
      "retweet_count": "1",
      "id": "1785612345678901299",
      "created_at": "Wed May 01 10:30:00 +0000 2024",
      "favorited": false,
      "full_text": "Uppdatering: Åsvägen är nu plogad. Tack för ert tålamod!",
      "lang": "sv",
      "in_reply_to_status_id_str": "1785612345678901234",
      "in_reply_to_status_id": "1785612345678901234",
      "in_reply_to_user_id_str": "1183746251",
      "in_reply_to_screen_name": "MorbyansKommun"
    }
  }
]
